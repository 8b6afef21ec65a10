package dev.kiln.common.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class S3ClientTest {
    private FakeS3 server;
    private S3Client client;

    @BeforeEach
    void start() throws Exception {
        server = FakeS3.start();
        client = new S3Client(S3Config.fromEnvironment(server.environment()), () -> null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void putsAndGetsKeysThatNeedEncoding() throws Exception {
        server.createBucket("b");
        S3Location object = new S3Location("b", "dir/a b+c=d&é~!.txt");

        client.put(object, "content".getBytes(StandardCharsets.UTF_8), null);

        assertThat(server.object("b", "dir/a b+c=d&é~!.txt")).isEqualTo("content");
        assertThat(server.requests.get(0).rawPath()).isEqualTo("/b/dir/a%20b%2Bc%3Dd%26%C3%A9~%21.txt");
        try (InputStream in = client.get(object, null)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("content");
        }
    }

    @Test
    void listsPageByPageUpToTheLimit() throws Exception {
        for (int i = 0; i < 5; i++) {
            server.put("b", "logs/" + i, "x".repeat(i));
        }
        server.put("b", "other/x", "");
        server.pageSize = 2;

        S3Client.Listing all = client.list("b", "logs/", 1000, null);
        S3Client.Listing some = client.list("b", "logs/", 3, null);

        assertThat(all.objects()).extracting(S3Object::key).containsExactly("logs/0", "logs/1", "logs/2", "logs/3",
                "logs/4");
        assertThat(all.objects().get(4).size()).isEqualTo(4);
        assertThat(all.truncated()).isFalse();
        assertThat(server.requests.stream().filter(r -> r.rawQuery() != null && r.rawQuery().contains("continuation")))
                .hasSize(2 + 1);
        assertThat(some.objects()).hasSize(3);
        assertThat(some.truncated()).isTrue();
    }

    @Test
    void reportsTheS3ErrorCodeAndMessage() {
        server.createBucket("b");

        assertThatThrownBy(() -> client.get(new S3Location("b", "nope"), null))
                .isInstanceOf(S3Exception.class)
                .hasMessage("NoSuchKey: The specified key does not exist. (HTTP 404)")
                .satisfies(e -> assertThat(((S3Exception) e).code()).isEqualTo("NoSuchKey"));
        assertThatThrownBy(() -> client.list("missing", "", 10, null))
                .hasMessage("NoSuchBucket: The specified bucket does not exist (HTTP 404)");
    }

    @Test
    void sendsTheExpectedBucketOwner() throws Exception {
        server.put("b", "k", "v");

        client.get(new S3Location("b", "k"), "111122223333").close();

        assertThat(server.requests.get(0).headers()).containsEntry("x-amz-expected-bucket-owner", "111122223333");
        assertThatThrownBy(() -> client.get(new S3Location("b", "k"), "999999999999"))
                .hasMessage("AccessDenied: Access Denied (HTTP 403)");
    }

    @Test
    void isRefusedWithAWrongSecret() throws Exception {
        Map<String, String> env = new HashMap<>(server.environment());
        env.put("AWS_SECRET_ACCESS_KEY", "wrong");
        S3Client wrong = new S3Client(S3Config.fromEnvironment(env), () -> null);
        server.createBucket("b");

        assertThatThrownBy(() -> wrong.put(new S3Location("b", "k"), new byte[] {1}, null))
                .hasMessageStartingWith("SignatureDoesNotMatch: ");
    }

    @Test
    void sendsNothingWhenNoTimeIsLeft() throws Exception {
        S3Client late = new S3Client(S3Config.fromEnvironment(server.environment()), () -> Duration.ZERO);

        assertThatThrownBy(() -> late.list("b", "", 1, null)).hasMessageContaining("no time left");
        assertThat(server.requests).isEmpty();
    }
}
