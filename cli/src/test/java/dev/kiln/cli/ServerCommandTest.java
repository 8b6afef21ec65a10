package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCommandTest {
    @TempDir
    Path dir;

    private Cli server(String... options) {
        String[] all = new String[options.length + 3];
        all[0] = "server";
        System.arraycopy(options, 0, all, 1, options.length);
        all[options.length + 1] = "--data-dir";
        all[options.length + 2] = dir.resolve("data").toString();
        return Cli.run(all);
    }

    @Test
    void refusesAnS3EndpointThatIsNotAnHttpUrlBeforeStarting() {
        Cli cli = server("--s3-endpoint", "ftp://KEY:SECRET@s3.example");

        assertThat(cli.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("--s3-endpoint:", "is not an http or https URL").doesNotContain("SECRET");
        assertThat(Files.exists(dir.resolve("data"))).isFalse();
    }

    @Test
    void saysHowToGiveTheKeysOfAnS3Endpoint() {
        Cli cli = server("--s3-endpoint", "http://only-a-key@127.0.0.1:9000");

        assertThat(cli.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("ACCESS_KEY_ID:SECRET_ACCESS_KEY");
    }
}
