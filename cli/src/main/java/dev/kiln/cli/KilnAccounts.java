package dev.kiln.cli;

import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import dev.kiln.core.store.Database;
import dev.kiln.server.FirstStart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the account-related commands share: which account is meant, and where a new key is written. */
final class KilnAccounts {
    private KilnAccounts() {
    }

    /** The account named, which must exist. */
    static String existing(Database db, String accountId) {
        if (db.accounts().account(accountId).isEmpty()) {
            throw new UserError("no account " + accountId + " (see kiln accounts list)");
        }
        return accountId;
    }

    /** The account named, else the only one there is. */
    static String namedOrOnly(Database db, String accountId) {
        if (accountId != null) {
            return existing(db, accountId);
        }
        List<Account> accounts = db.accounts().accounts();
        if (accounts.size() != 1) {
            throw new UserError(accounts.isEmpty() ? "no account yet: start kiln server once, or kiln accounts create"
                    : "there are " + accounts.size() + " accounts: say which with --account ACCOUNT-ID");
        }
        return accounts.get(0).id();
    }

    /**
     * Writes a new key as a credentials file, {@code chosen} or else {@code otherwise}, then prints
     * {@code line} and says where the key went.
     */
    static void writeKey(AccessKey key, Path chosen, Path otherwise, String line) throws IOException {
        Path file = chosen != null ? chosen : otherwise;
        FirstStart.writeCredentials(file, "default", key);
        System.out.println(line);
        System.err.println("Access key written to " + file + " (mode 0600).");
    }
}
