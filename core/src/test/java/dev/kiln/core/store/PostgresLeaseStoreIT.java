package dev.kiln.core.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link LeaseStoreContract} on a real PostgreSQL server, started for the test run. */
class PostgresLeaseStoreIT extends LeaseStoreContract {
    @RegisterExtension
    static final PostgresServer.Extension POSTGRES = new PostgresServer.Extension();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }
}
