package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DatabaseContract} on a real PostgreSQL server, and its user and password. */
class PostgresDatabaseIT extends DatabaseContract {
    @RegisterExtension
    static final PostgresServer.Extension POSTGRES = new PostgresServer.Extension();

    @Override
    protected String newDatabaseUrl() {
        return POSTGRES.newDatabaseUrl();
    }

    private String urlWithoutCredentials() {
        return url.substring(0, url.indexOf('?'));
    }

    @Test
    void userAndPasswordMayBeGivenApartFromTheUrl() {
        Account account = db.accounts().createAccount("apart");

        try (Database other = Database.open(urlWithoutCredentials(), PostgresServer.USER, PostgresServer.PASSWORD)) {
            assertThat(other.accounts().account(account.id())).contains(account);
        }
    }

    @Test
    void wrongPasswordFailsNamingTheUrlButNotThePassword() {
        String wrong = urlWithoutCredentials() + "?user=" + PostgresServer.USER + "&password=not-the-password";

        assertThatThrownBy(() -> Database.open(wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(urlWithoutCredentials() + "?user=kiln&password=***")
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
    }
}
