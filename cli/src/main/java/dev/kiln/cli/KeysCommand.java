package dev.kiln.cli;

import dev.kiln.core.store.AccessKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln keys}: access keys of accounts. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage access keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an access key for an account and write it as an AWS credentials file.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--account", required = true, paramLabel = "ACCOUNT-ID", description = "The account.")
        String account;

        @Option(names = "--credentials-file", paramLabel = "FILE",
                description = "Where to write the key (default: <data-dir>/credentials-<access-key-id>).")
        Path credentialsFile;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln keys create", db -> {
                AccessKey key = db.accounts().createKey(KilnAccounts.existing(db, account));
                KilnAccounts.writeKey(key, credentialsFile, data.dataDir.resolve("credentials-" + key.accessKeyId()),
                        key.accessKeyId());
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List access keys (never secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Option(names = "--account", paramLabel = "ACCOUNT-ID", description = "Only this account's keys.")
        String account;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln keys list", db -> {
                for (var a : db.accounts().accounts()) {
                    if (account != null && !account.equals(a.id())) {
                        continue;
                    }
                    for (AccessKey k : db.accounts().keys(a.id())) {
                        System.out.println(k.accessKeyId() + "\t" + k.accountId() + "\t"
                                + (k.active() ? "active" : "revoked") + "\t" + k.createdAt());
                    }
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an access key.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ACCESS-KEY-ID")
        String accessKeyId;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln keys revoke", db -> {
                if (!db.accounts().revokeKey(accessKeyId)) {
                    throw new UserError("no access key " + accessKeyId);
                }
                System.err.println("Revoked " + accessKeyId + ".");
                return ExitCodes.OK;
            });
        }
    }
}
