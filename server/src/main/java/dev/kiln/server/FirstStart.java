package dev.kiln.server;

import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import dev.kiln.core.store.AccountStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * On first start with an empty database: a default account and an admin access key, written to
 * {@code <data-dir>/credentials} in the AWS CLI's credentials-file format, readable by its owner only.
 *
 * <p>A credentials file that is already there is never overwritten: an empty accounts table beside it
 * means the database is not the one that wrote it (lost, replaced, or another {@code --db-url}), and its
 * key may be the only copy. It is kept under another name, which the result tells.
 */
public final class FirstStart {
    public static final String CREDENTIALS_FILE = "credentials";

    /**
     * The account made on this start, or null fields when there was one already.
     *
     * @param keptCredentials where an earlier credentials file was moved, when the database had no account
     *                        although the file was there; else null
     */
    public record Result(Account account, AccessKey key, Path keptCredentials) {
        static final Result NONE = new Result(null, null, null);

        public boolean created() {
            return account != null;
        }
    }

    private FirstStart() {
    }

    public static Result ensureAccount(AccountStore accounts, Path dataDir) throws IOException {
        if (!accounts.accounts().isEmpty()) {
            return Result.NONE;
        }
        Path file = dataDir.resolve(CREDENTIALS_FILE);
        Path kept = null;
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            kept = file.resolveSibling(CREDENTIALS_FILE + ".kept-" + java.time.Instant.now().toString()
                    .replace(':', '-'));
            Files.move(file, kept, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Account account = accounts.createAccount("default");
        AccessKey key = accounts.createKey(account.id());
        writeCredentials(file, "default", key);
        return new Result(account, key, kept);
    }

    /** Writes a credentials file with mode 0600 from the start, so the secret is never readable by others. */
    public static void writeCredentials(Path file, String profile, AccessKey key) throws IOException {
        String text = "[" + profile + "]\n"
                + "aws_access_key_id = " + key.accessKeyId() + "\n"
                + "aws_secret_access_key = " + key.secretAccessKey() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
