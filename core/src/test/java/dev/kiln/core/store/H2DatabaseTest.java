package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DatabaseContract} on embedded H2, and what is particular to H2 and to opening. */
class H2DatabaseTest extends DatabaseContract {
    @TempDir
    Path dataDir;

    @Override
    protected String newDatabaseUrl() {
        return Database.h2FileUrl(dataDir);
    }

    @Test
    void embeddedDatabaseIsTheFileKilnMvDbInTheDataDir() {
        assertThat(Database.h2FileUrl(dataDir)).isEqualTo("jdbc:h2:file:" + dataDir.toAbsolutePath() + "/kiln;AUTO_SERVER=TRUE");
        assertThat(Files.isRegularFile(dataDir.resolve("kiln.mv.db"))).isTrue();
    }

    @Test
    void h2DoesNotCloseTheDatabaseFromAShutdownHookOfItsOwn() throws Exception {
        // Kiln's lifecycle closes it, last; H2's hook would close it under the writers still finishing.
        java.lang.reflect.Field hook = Class.forName("org.h2.engine.OnExitDatabaseCloser").getDeclaredField("INSTANCE");
        hook.setAccessible(true);
        assertThat(Runtime.getRuntime().removeShutdownHook((Thread) hook.get(null))).isFalse();
    }

    @Test
    void unusableUrlFailsNamingIt() {
        assertThatThrownBy(() -> Database.open("jdbc:nosuch:thing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jdbc:nosuch:thing");
    }

    @Test
    void urlsAreNamedWithoutTheirPassword() {
        assertThat(Database.redact("jdbc:postgresql://db:5432/kiln?user=kiln&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/kiln?user=kiln&password=***&ssl=true");
        assertThat(Database.redact("jdbc:h2:file:/x/kiln;USER=sa;PASSWORD=s3cret"))
                .isEqualTo("jdbc:h2:file:/x/kiln;USER=sa;PASSWORD=***");
    }

    @Test
    void poolSizeMustBePositive() {
        assertThatThrownBy(() -> Database.open(url, null, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
