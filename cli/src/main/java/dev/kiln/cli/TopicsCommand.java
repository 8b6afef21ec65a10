package dev.kiln.cli;

import dev.kiln.core.store.Delivery;
import dev.kiln.core.store.Subscription;
import dev.kiln.core.store.Topic;
import java.net.URI;
import java.net.URISyntaxException;
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
final class TopicsCommand extends CommandGroup {
    /** What the store answers, its refusal of a bad name or URL said to the user. */
    private static <T> T userError(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
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
        public Integer call() throws Exception {
            return data.withDatabase("kiln topics create", db -> {
                String accountId = KilnAccounts.namedOrOnly(db, account);
                System.out.println(userError(() -> db.topics().createTopic(region, accountId, name)).arn());
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics and their webhooks.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            return data.withDatabase("kiln topics list", db -> {
                for (Topic t : db.topics().topics()) {
                    System.out.println(t.arn() + "\t" + t.createdAt());
                    for (Subscription s : db.topics().subscriptions(t.arn())) {
                        System.out.println("  " + s.id() + "\t" + s.endpoint());
                    }
                }
                return ExitCodes.OK;
            });
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
        public Integer call() throws Exception {
            URI endpoint;
            try {
                endpoint = new URI(url);
            } catch (URISyntaxException e) {
                throw new UserError("not a URL: " + url + ": " + e.getMessage());
            }
            return data.withDatabase("kiln topics subscribe", db -> {
                Subscription s = userError(() -> db.topics().subscribe(topicArn, endpoint));
                System.out.println(s.id() + "\t" + s.secret());
                System.err.println("Keep the secret: it is not shown again. Each POST carries X-Kiln-Signature:"
                        + " sha256=<hex HMAC-SHA256 of the body with this secret>.");
                return ExitCodes.OK;
            });
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
        public Integer call() throws Exception {
            return data.withDatabase("kiln topics deliveries", db -> {
                for (Delivery d : db.topics().deliveries(topicArn)) {
                    System.out.println(String.join("\t", d.id(), d.updatedAt().toString(), d.status().name(),
                            "attempts=" + d.attempts(),
                            "code=" + (d.lastStatusCode() == null ? "-" : d.lastStatusCode().toString()),
                            d.imageStatus(), d.imageArn(), d.endpoint() == null ? "-" : d.endpoint(),
                            d.lastError() == null ? "" : d.lastError().replace('\n', ' ')));
                }
                return ExitCodes.OK;
            });
        }
    }
}
