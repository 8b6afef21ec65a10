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
 */
public final class FirstStart {
    public static final String CREDENTIALS_FILE = "credentials";

    /** The account made on this start, or null fields when there was one already. */
    public record Result(Account account, AccessKey key) {
        public boolean created() {
            return account != null;
        }
    }

    private FirstStart() {
    }

    public static Result ensureAccount(AccountStore accounts, Path dataDir) throws IOException {
        if (!accounts.accounts().isEmpty()) {
            return new Result(null, null);
        }
        Account account = accounts.createAccount("default");
        AccessKey key = accounts.createKey(account.id());
        writeCredentials(dataDir.resolve(CREDENTIALS_FILE), "default", key);
        return new Result(account, key);
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
