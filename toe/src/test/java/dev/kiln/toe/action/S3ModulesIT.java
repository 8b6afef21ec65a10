package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Location;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3Upload and S3Download against a real S3-compatible server that checks SigV4 signatures itself:
 * S3Proxy, started in this JVM on 127.0.0.1 and a free port, over its in-memory ("transient") blob
 * store. The modules get its endpoint and credentials through the step's environment, as in a build;
 * each test makes its own bucket. S3Proxy answers x-amz-expected-bucket-owner with 501, so that
 * header stays covered by the unit tests with the fake server.
 */
class S3ModulesIT {
    private static final String ACCESS_KEY_ID = "kiln-it-access-key";
    private static final String SECRET_ACCESS_KEY = "kiln-it-secret-" + UUID.randomUUID();

    private static S3Proxy s3Proxy;
    private static Map<String, String> environment;

    @TempDir
    Path dir;
    private String bucket;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        s3Proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", new Properties()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        s3Proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!s3Proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + s3Proxy.getState());
            }
            Thread.sleep(10);
        }
        environment = Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + s3Proxy.getPort(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY,
                "AWS_REGION", "us-east-1");
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (s3Proxy != null) {
            s3Proxy.stop();
        }
    }

    @BeforeEach
    void createBucket() throws Exception {
        bucket = "kiln-it-" + UUID.randomUUID().toString().substring(0, 8);
        client(environment).createBucket(bucket);
    }

    private static S3Client client(Map<String, String> env) throws Exception {
        return new S3Client(S3Config.fromEnvironment(env), () -> null);
    }

    private TestContext context(Map<String, String> env, Map<String, Object>... inputs) {
        TestContext context = new TestContext(List.of(inputs), dir.resolve("work"));
        context.environment.putAll(env);
        return context;
    }

    @Test
    void uploadsAFolderAndDownloadsItBackThroughAPrefix() throws Exception {
        Path from = Files.createDirectories(dir.resolve("from/sub dir"));
        Files.writeString(dir.resolve("from/a.txt"), "alpha");
        Files.writeString(from.resolve("b+c é.txt"), "beta");
        byte[] big = new byte[Transfers.CHUNK + 4321];
        new java.util.Random(7).nextBytes(big);
        Files.write(dir.resolve("from/big.bin"), big);
        Path to = Files.createDirectories(dir.resolve("to"));

        new S3Upload().run(context(environment, Map.of("source", dir.resolve("from").toString(),
                "destination", "s3://" + bucket + "/tree/", "recurse", "true")));
        new S3Download().run(context(environment, Map.of("source", "s3://" + bucket + "/tree/*",
                "destination", to.toString())));

        assertThat(to.resolve("a.txt")).hasContent("alpha");
        assertThat(to.resolve("sub dir/b+c é.txt")).hasContent("beta");
        assertThat(to.resolve("big.bin")).hasBinaryContent(big);
    }

    @Test
    void downloadsOneObject() throws Exception {
        client(environment).put(new S3Location(bucket, "path/to/package.zip"),
                "zip".getBytes(StandardCharsets.UTF_8), null);
        Path dest = dir.resolve("package.zip");

        new S3Download().run(context(environment, Map.of("source", "s3://" + bucket + "/path/to/package.zip",
                "destination", dest.toString())));

        assertThat(dest).hasContent("zip");
    }

    @Test
    void reportsTheServersErrorForAMissingKey() {
        assertThatThrownBy(() -> new S3Download().run(context(environment, Map.of(
                "source", "s3://" + bucket + "/missing.txt", "destination", dir.resolve("m").toString()))))
                .hasMessage("S3Download inputs[0]: cannot download s3://" + bucket + "/missing.txt: NoSuchKey:"
                        + " The specified key does not exist. (HTTP 404)");
    }

    @Test
    void uploadsTheFilesAWildcardMatchesUnderAPrefix() throws Exception {
        Path from = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(from.resolve("one.log"), "1");
        Files.writeString(from.resolve("two.log"), "2");
        Files.writeString(from.resolve("notes.txt"), "not a log");

        new S3Upload().run(context(environment, Map.of("source", from.resolve("*.log").toString(),
                "destination", "s3://" + bucket + "/logs/")));

        S3Client s3 = client(environment);
        assertThat(s3.list(bucket, "", 1000, null).objects())
                .extracting(o -> o.key()).containsExactly("logs/one.log", "logs/two.log");
        try (var in = s3.get(new S3Location(bucket, "logs/two.log"), null)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("2");
        }
    }

    @Test
    void keepsAnExistingFileWhenOverwriteIsFalse() throws Exception {
        client(environment).put(new S3Location(bucket, "conf.ini"), "new".getBytes(StandardCharsets.UTF_8), null);
        Path dest = dir.resolve("conf.ini");
        Files.writeString(dest, "old");

        assertThatThrownBy(() -> new S3Download().run(context(environment, Map.of(
                "source", "s3://" + bucket + "/conf.ini", "destination", dest.toString(), "overwrite", "false"))))
                .hasMessageContaining("File already exists and \"overwrite\" property for \"destination\" file"
                        + " is set to false.");
        assertThat(dest).hasContent("old");

        new S3Download().run(context(environment, Map.of("source", "s3://" + bucket + "/conf.ini",
                "destination", dest.toString())));
        assertThat(dest).hasContent("new");
    }

    @Test
    void isRefusedWithAWrongSecret() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "x");
        Map<String, String> wrong = new HashMap<>(environment);
        wrong.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");

        assertThatThrownBy(() -> new S3Upload().run(context(wrong, Map.of("source", dir.resolve("f.txt").toString(),
                "destination", "s3://" + bucket + "/f.txt"))))
                .hasMessageContaining("SignatureDoesNotMatch");
    }

    @Test
    void refusesAPrefixOfMoreThanAThousandObjectsAfterPagingThroughTheListing() throws Exception {
        S3Client s3 = client(environment);
        for (int i = 0; i <= S3Download.MAX_OBJECTS; i++) {
            s3.put(new S3Location(bucket, String.format("many/%04d", i)), new byte[0], null);
        }

        assertThat(s3.list(bucket, "many/", 2000, null).objects()).hasSize(S3Download.MAX_OBJECTS + 1);
        assertThatThrownBy(() -> new S3Download().run(context(environment, Map.of(
                "source", "s3://" + bucket + "/many/*", "destination", dir.toString()))))
                .hasMessageContaining("there are more than 1000 objects under s3://" + bucket + "/many/*");
    }
}
