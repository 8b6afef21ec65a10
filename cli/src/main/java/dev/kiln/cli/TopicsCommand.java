package dev.kiln.cli;

import dev.kiln.core.store.Account;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.Topic;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln topics}: the topics an infrastructure configuration's snsTopicArn names, and the webhooks
 * that receive their image state changes (see docs/notifications.md).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Manage notification topics and their webhooks.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class, TopicsCommand.Subscribe.class,
                TopicsCommand.Deliveries.class})
final class TopicsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a topic; prints its ARN, what snsTopicArn takes.")
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '-' and '_'.")
        String name;

        @Option(names = "--region", defaultValue = "us-east-1", description = "The region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--account", paramLabel = "ACCOUNT-ID",
                description = "The account (default: the only account, when there is one).")
        String account;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Database db = AccountsCommand.open(data)) {
                String accountId = account != null ? account : onlyAccount(db.accounts().accounts());
                if (db.accounts().account(accountId).isEmpty()) {
                    throw new UserError("no account " + accountId + " (see kiln accounts list)");
                }
                Topic topic;
                try {
                    topic = db.topics().createTopic(region, accountId, name);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                System.out.println(topic.arn());
            }
            return ExitCodes.OK;
        }

        private static String onlyAccount(List<Account> accounts) {
            if (accounts.size() != 1) {
                throw new UserError(accounts.isEmpty() ? "no account yet: start kiln server once, or kiln accounts create"
                        : "there are " + accounts.size() + " accounts: say which with --account ACCOUNT-ID");
            }
            return accounts.get(0).id();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics and their webhooks.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Database db = AccountsCommand.open(data)) {
                for (Topic t : db.topics().topics()) {
                    System.out.println(t.arn() + "\t" + t.createdAt());
                    for (Subscription s : db.topics().subscriptions(t.arn())) {
                        System.out.println("  " + s.id() + "\t" + s.endpoint());
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "subscribe", mixinStandardHelpOptions = true,
            description = "Subscribe a webhook (http:// or https:// URL) to a topic; prints the signing secret, once.")
    static final class Subscribe implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TOPIC-ARN")
        String topicArn;

        @Parameters(index = "1", paramLabel = "URL")
        String url;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            URI endpoint;
            try {
                endpoint = new URI(url);
            } catch (URISyntaxException e) {
                throw new UserError("not a URL: " + url + ": " + e.getMessage());
            }
            try (Database db = AccountsCommand.open(data)) {
                Subscription s;
                try {
                    s = db.topics().subscribe(topicArn, endpoint);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                System.out.println(s.id() + "\t" + s.secret());
                System.err.println("Keep the secret: it is not shown again. Each POST carries X-Kiln-Signature:"
                        + " sha256=<hex HMAC-SHA256 of the body with this secret>.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "deliveries", mixinStandardHelpOptions = true,
            description = "The deliveries of a topic, oldest first: status, attempts, last answer.")
    static final class Deliveries implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TOPIC-ARN")
        String topicArn;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Database db = AccountsCommand.open(data)) {
                for (Delivery d : db.topics().deliveries(topicArn)) {
                    System.out.println(String.join("\t", d.id(), d.updatedAt().toString(), d.status().name(),
                            "attempts=" + d.attempts(),
                            "code=" + (d.lastStatusCode() == null ? "-" : d.lastStatusCode().toString()),
                            d.imageStatus(), d.imageArn(), d.endpoint() == null ? "-" : d.endpoint(),
                            d.lastError() == null ? "" : d.lastError().replace('\n', ' ')));
                }
            }
            return ExitCodes.OK;
        }
    }
}
