package dev.kiln.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link LeaseStoreContract} on embedded H2, in a file in a temp dir. */
class H2LeaseStoreTest extends LeaseStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected String newDatabaseUrl() {
        return Database.h2FileUrl(dataDir);
    }
}
