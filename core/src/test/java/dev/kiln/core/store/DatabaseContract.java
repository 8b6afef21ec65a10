package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opening a database brings it to the newest schema, once; run on each database by a subclass. */
abstract class DatabaseContract extends StoreFixture {

    @Test
    void openAppliesEveryMigrationToAnEmptyDatabase() throws SQLException {
        // Each migration once, all successful (other migrations may come after these).
        assertThat(appliedMigrations()).startsWith("1:true").contains("1.6:true").doesNotHaveDuplicates()
                .allSatisfy(m -> assertThat(m).endsWith(":true"));
        assertThat(tableNames()).contains("resources", "idempotency", "accounts", "access_keys", "sns_topics",
                "sns_subscriptions", "sns_deliveries");
    }

    @Test
    void reopeningAnUpToDateDatabaseAppliesNothing() throws SQLException {
        List<String> first = appliedMigrations();

        restart();
        restart();

        assertThat(appliedMigrations()).isEqualTo(first);
    }

    @Test
    void storesOfOneDatabaseShareIt() {
        Account account = db.accounts().createAccount("shared");
        try (Database second = Database.open(url)) {
            assertThat(second.accounts().account(account.id())).contains(account);
        }
        assertThat(db.accounts().account(account.id())).contains(account);
    }

    private List<String> appliedMigrations() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\""
                     + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getBoolean(2));
            }
        }
        return out;
    }

    private List<String> tableNames() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME").toLowerCase());
            }
        }
        return out;
    }
}
