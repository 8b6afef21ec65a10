package dev.kiln.core.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TopicStoreContract} on a real PostgreSQL server, started for the test run. */
class PostgresTopicStoreIT extends TopicStoreContract {
    @RegisterExtension
    static final PostgresServer.Extension POSTGRES = new PostgresServer.Extension();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }
}
