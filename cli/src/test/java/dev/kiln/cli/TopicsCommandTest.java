package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsCommandTest {
    @TempDir
    Path dir;

    private Cli kiln(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dir.resolve("data").toString();
        return Cli.run(all);
    }

    @Test
    void createsATopicSubscribesAWebhookAndListsThem() {
        String account = kiln("accounts", "create", "--name", "team").out().split("\t")[0];

        Cli created = kiln("topics", "create", "builds", "--region", "eu-west-1");
        Cli subscribed = kiln("topics", "subscribe", created.out().strip(), "https://hooks.example/kiln");
        Cli listed = kiln("topics", "list");

        assertThat(created.exitCode()).isZero();
        assertThat(created.out().strip()).isEqualTo("arn:aws:sns:eu-west-1:" + account + ":builds");
        assertThat(subscribed.exitCode()).isZero();
        assertThat(subscribed.out().strip()).matches("[0-9a-f-]{36}\t[0-9a-f]{64}");
        assertThat(subscribed.err()).contains("not shown again");
        String secret = subscribed.out().strip().split("\t")[1];
        assertThat(listed.out()).contains("arn:aws:sns:eu-west-1:" + account + ":builds", "https://hooks.example/kiln")
                .doesNotContain(secret);
        assertThat(kiln("topics", "deliveries", created.out().strip()).exitCode()).isZero();
    }

    @Test
    void tellsWhatIsWrongWithATopicOrWebhook() {
        kiln("accounts", "create", "--name", "team");
        kiln("topics", "create", "builds");

        assertThat(kiln("topics", "create", "builds").err()).contains("exists already");
        assertThat(kiln("topics", "create", "no spaces").err()).contains("topic name");
        assertThat(kiln("topics", "subscribe", "arn:aws:sns:us-east-1:111111111111:x", "http://h/x").err())
                .contains("no Kiln topic");
        kiln("accounts", "create", "--name", "other");
        assertThat(kiln("topics", "create", "more").err()).contains("--account");
    }
}
