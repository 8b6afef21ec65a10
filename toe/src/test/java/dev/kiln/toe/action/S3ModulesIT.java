package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.toe.action.s3.S3Client;
import dev.kiln.toe.action.s3.S3Config;
import dev.kiln.toe.action.s3.S3Location;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3Upload and S3Download against a real S3-compatible server that checks SigV4 signatures itself
 * (S3Proxy from Maven Central in CI). Runs when KILN_IT_S3_ENDPOINT (e.g. http://127.0.0.1:4569),
 * KILN_IT_S3_ACCESS_KEY_ID and KILN_IT_S3_SECRET_ACCESS_KEY are set; each test makes its own bucket.
 */
class S3ModulesIT {
    private static Map<String, String> environment;

    @TempDir
    Path dir;
    private String bucket;

    @BeforeAll
    static void endpoint() {
        String endpoint = System.getenv("KILN_IT_S3_ENDPOINT");
        String keyId = System.getenv("KILN_IT_S3_ACCESS_KEY_ID");
        String secret = System.getenv("KILN_IT_S3_SECRET_ACCESS_KEY");
        assumeTrue(endpoint != null && keyId != null && secret != null,
                "set KILN_IT_S3_ENDPOINT, KILN_IT_S3_ACCESS_KEY_ID and KILN_IT_S3_SECRET_ACCESS_KEY to run");
        environment = Map.of("AWS_ENDPOINT_URL_S3", endpoint, "AWS_ACCESS_KEY_ID", keyId,
                "AWS_SECRET_ACCESS_KEY", secret, "AWS_REGION", "us-east-1");
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
