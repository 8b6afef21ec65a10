package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstStartTest {
    @TempDir
    Path dataDir;

    private static Database emptyDatabase() {
        return Database.open("jdbc:h2:mem:first-start-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Test
    void anEmptyDatabaseGetsTheDefaultAccountAndItsKeyInTheCredentialsFile() throws Exception {
        try (Database db = emptyDatabase()) {
            FirstStart.Result first = FirstStart.ensureAccount(db.accounts(), dataDir);

            assertThat(first.created()).isTrue();
            assertThat(first.keptCredentials()).isNull();
            assertThat(Files.readString(dataDir.resolve(FirstStart.CREDENTIALS_FILE)))
                    .contains(first.key().accessKeyId(), first.key().secretAccessKey());
            assertThat(FirstStart.ensureAccount(db.accounts(), dataDir).created()).isFalse();
        }
    }

    @Test
    void aCredentialsFileBesideAnEmptyDatabaseIsKeptNotOverwritten() throws Exception {
        Path credentials = dataDir.resolve(FirstStart.CREDENTIALS_FILE);
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIAOLD\n");
        try (Database db = emptyDatabase()) {
            FirstStart.Result first = FirstStart.ensureAccount(db.accounts(), dataDir);

            assertThat(first.created()).isTrue();
            assertThat(first.keptCredentials()).isNotNull();
            assertThat(Files.readString(first.keptCredentials())).contains("AKIAOLD");
            assertThat(Files.readString(credentials)).contains(first.key().accessKeyId());
        }
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(f -> f.startsWith("credentials.kept-"));
        }
    }
}
