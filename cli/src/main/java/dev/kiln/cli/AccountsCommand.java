package dev.kiln.cli;

import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kiln accounts}: create and list accounts. */
@Command(name = "accounts", mixinStandardHelpOptions = true, description = "Manage Kiln accounts.",
        subcommands = {AccountsCommand.Create.class, AccountsCommand.ListAccounts.class})
final class AccountsCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an account with its first access key; write the key as an AWS credentials file.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A name for the account.")
        String name;

        @Option(names = "--credentials-file", paramLabel = "FILE",
                description = "Where to write the key (default: <data-dir>/credentials-<account-id>).")
        Path credentialsFile;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln accounts create", db -> {
                Account account = db.accounts().createAccount(name);
                AccessKey key = db.accounts().createKey(account.id());
                KilnAccounts.writeKey(key, credentialsFile, data.dataDir.resolve("credentials-" + account.id()),
                        account.id() + "\t" + account.name() + "\t" + key.accessKeyId());
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
    static final class ListAccounts implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln accounts list", db -> {
                for (Account a : db.accounts().accounts()) {
                    System.out.println(a.id() + "\t" + a.name() + "\t" + a.createdAt());
                }
                return ExitCodes.OK;
            });
        }
    }
}
