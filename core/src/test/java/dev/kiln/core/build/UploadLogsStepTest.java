package dev.kiln.core.build;

import dev.kiln.core.log.BuildLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.image.ImageRecord;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.s3.Credentials;
import dev.kiln.common.s3.S3Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is uploaded where, and that a failed upload never fails the build, against a small fake S3
 * endpoint that records PUTs; S3EndpointIT in the server runs builds against a real S3-compatible server.
 */
class UploadLogsStepTest {
    private static final String ARN = "arn:aws:imagebuilder:us-east-1:111111111111:image/web-server/1.2.0/3";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private HttpServer s3;
    private final Map<String, String> objects = new ConcurrentHashMap<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private BuildLog log;

    @BeforeEach
    void start() throws IOException {
        s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s3.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/missing/")) {
                byte[] error = "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, error.length);
                exchange.getResponseBody().write(error);
            } else {
                objects.put(exchange.getRequestMethod() + " " + path, new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        s3.start();
        log = BuildLog.append(folder.resolve("build.log"), Clock.systemUTC()).follow(lines::add);
        Files.createDirectories(folder.resolve("components-build/TOE_1/"));
        Files.writeString(folder.resolve("components-build/TOE_1/console.log"), "step output\n");
        Files.writeString(folder.resolve("components-build/TOE_1/application.log"), "engine notes\n");
        Files.createDirectories(folder.resolve("components-build/state-build-validate"));
        Files.writeString(folder.resolve("components-build/state-build-validate/state.json"), "{}");
        Files.createDirectories(folder.resolve("instance-i-0123"));
        Files.writeString(folder.resolve("instance-i-0123/disk.qcow2"), "not a log");
        log.info("AVAILABLE: ami-0123");
    }

    @AfterEach
    void stop() {
        log.close();
        s3.stop(0);
    }

    private S3Config endpoint(int port) throws Exception {
        return S3Config.of("http://127.0.0.1:" + port, new Credentials("AKID", "secret", null), null);
    }

    private static ImageRecord.Infrastructure infrastructure(String bucket, String prefix) throws IOException {
        return new ImageRecord.Infrastructure(JSON.readTree("{\"logging\":{\"s3Logs\":{\"s3BucketName\":\""
                + bucket + "\""
                + (prefix == null ? "" : ",\"s3KeyPrefix\":\"" + prefix + "\"") + "}}}"));
    }

    @Test
    void uploadsTheEngineLogsAndThenTheBuildLogUnderPrefixNameVersionAndBuild() throws Exception {
        new UploadLogsStep(endpoint(s3.getAddress().getPort())).run(ARN, infrastructure("logs", "kiln/"), folder, log);

        assertThat(objects.keySet()).containsExactlyInAnyOrder(
                "PUT /logs/kiln/web-server/1.2.0/3/components-build/TOE_1/application.log",
                "PUT /logs/kiln/web-server/1.2.0/3/components-build/TOE_1/console.log",
                "PUT /logs/kiln/web-server/1.2.0/3/build.log");
        assertThat(objects.get("PUT /logs/kiln/web-server/1.2.0/3/build.log"))
                .contains("AVAILABLE: ami-0123", "uploading the build's logs (3 file(s)) to s3://logs/kiln/web-server/1.2.0/3/");
        assertThat(lines).last().asString().contains("uploaded the build's logs to s3://logs/kiln/web-server/1.2.0/3/");
    }

    @Test
    void keysStartAtTheImageNameWithoutAPrefix() {
        assertThat(UploadLogsStep.keyPrefix("", ARN)).isEqualTo("web-server/1.2.0/3/");
        assertThat(UploadLogsStep.keyPrefix("/a/b//", ARN)).isEqualTo("a/b/web-server/1.2.0/3/");
    }

    @Test
    void uploadsNothingWhenTheConfigurationNamesNoBucket() throws Exception {
        new UploadLogsStep(endpoint(s3.getAddress().getPort()))
                .run(ARN, new ImageRecord.Infrastructure(JSON.readTree("{}")), folder, log);

        assertThat(objects).isEmpty();
        assertThat(lines).hasSize(1);
    }

    @Test
    void saysTheLogsStayLocalWhenKilnHasNoEndpoint() throws Exception {
        new UploadLogsStep(null).run(ARN, infrastructure("logs", null), folder, log);

        assertThat(lines).last().asString().contains("names s3://logs/web-server/1.2.0/3/", "--s3-endpoint",
                folder.toString());
    }

    @Test
    void aMissingBucketIsSaidInTheLogAndNotThrown() throws Exception {
        new UploadLogsStep(endpoint(s3.getAddress().getPort())).run(ARN, infrastructure("missing", null), folder, log);

        assertThat(lines).last().asString().contains("could not upload the build's logs to s3://missing/",
                "NoSuchBucket", "they stay in " + folder);
    }

    @Test
    void anEndpointThatDoesNotAnswerIsSaidInTheLogAndNotThrown() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        new UploadLogsStep(endpoint(closed)).run(ARN, infrastructure("logs", null), folder, log);

        assertThat(lines).last().asString().contains("nothing answers at http://127.0.0.1:" + closed);
    }

    @Test
    void uploadsEvenWhenTheBuildThreadWasInterruptedAndKeepsTheFlag() throws Exception {
        Thread.currentThread().interrupt();
        try {
            new UploadLogsStep(endpoint(s3.getAddress().getPort())).run(ARN, infrastructure("logs", null), folder, log);

            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(objects).containsKey("PUT /logs/web-server/1.2.0/3/build.log");
    }
}
