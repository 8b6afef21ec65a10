package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.s3.FakeS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3DownloadTest {
    @TempDir
    Path dir;
    private FakeS3 s3;

    @BeforeEach
    void start() throws Exception {
        s3 = FakeS3.start();
        s3.put("bucket", "path/to/package.zip", "zip content");
        s3.put("bucket", "tree/a.txt", "a");
        s3.put("bucket", "tree/sub/b.txt", "b");
        s3.put("bucket", "tree/empty/", "");
        s3.put("bucket", "treetop.txt", "not under tree/");
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private TestContext context(Map<String, Object>... inputs) {
        TestContext context = new TestContext(List.of(inputs), dir.resolve("work"));
        context.environment.putAll(s3.environment());
        return context;
    }

    @Test
    void downloadsAnObjectToAFile() throws Exception {
        Path dest = dir.resolve("package.zip");

        new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dest.toString())));

        assertThat(dest).hasContent("zip content");
        assertThat(dir.toFile().list()).containsExactly("package.zip");
    }

    @Test
    void downloadsIntoAFolderWhenTheDestinationEndsWithASlash() throws Exception {
        new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip", "destination", dir + "/")));

        assertThat(dir.resolve("package.zip")).hasContent("zip content");
    }

    @Test
    void downloadsEverythingUnderAPrefixKeepingTheFolders() throws Exception {
        Path into = Files.createDirectories(dir.resolve("into"));

        new S3Download().run(context(Map.of("source", "s3://bucket/tree/*", "destination", into + "/")));

        assertThat(into.resolve("a.txt")).hasContent("a");
        assertThat(into.resolve("sub/b.txt")).hasContent("b");
        assertThat(into.resolve("empty")).isEmptyDirectory();
        assertThat(into.resolve("top.txt")).doesNotExist();
    }

    @Test
    void downloadsAWholeBucket() throws Exception {
        new S3Download().run(context(Map.of("source", "s3://bucket/*", "destination", dir.toString())));

        assertThat(dir.resolve("treetop.txt")).hasContent("not under tree/");
        assertThat(dir.resolve("path/to/package.zip")).hasContent("zip content");
    }

    @Test
    void readsPrefixesOfMoreThanOnePage() throws Exception {
        for (int i = 0; i < 7; i++) {
            s3.put("many", "p/" + i, Integer.toString(i));
        }
        s3.pageSize = 3;

        new S3Download().run(context(Map.of("source", "s3://many/p/*", "destination", dir.toString())));

        assertThat(dir.toFile().list()).hasSize(7);
        assertThat(dir.resolve("6")).hasContent("6");
    }

    @Test
    void refusesMoreThanAThousandObjects() {
        for (int i = 0; i <= S3Download.MAX_OBJECTS; i++) {
            s3.put("huge", String.format("k%04d", i), "");
        }

        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://huge/*",
                "destination", dir.toString()))))
                .hasMessage("S3Download inputs[0]: there are more than 1000 objects under s3://huge/*;"
                        + " S3Download takes at most 1000");
        assertThat(dir).as("nothing downloaded").isEmptyDirectory();
    }

    @Test
    void failsLikeAwstoeWhenTheFileExistsAndOverwriteIsFalse() throws Exception {
        Path dest = dir.resolve("package.zip");
        Files.writeString(dest, "mine");

        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dest.toString(), "overwrite", "false"))))
                .hasMessage("S3Download inputs[0]: File already exists and \"overwrite\" property for \"destination\""
                        + " file is set to false. Cannot download. (s3://bucket/path/to/package.zip to " + dest + ")");
        assertThat(dest).hasContent("mine");
    }

    @Test
    void overwritesByDefault() throws Exception {
        Path dest = dir.resolve("package.zip");
        Files.writeString(dest, "old");

        new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dest.toString())));

        assertThat(dest).hasContent("zip content");
    }

    @Test
    void namesTheBucketKeyAndS3ErrorWhenAnObjectIsMissing() {
        assertThatThrownBy(() -> new S3Download().run(context(
                Map.of("source", "s3://bucket/path/to/package.zip", "destination", dir.resolve("a").toString()),
                Map.of("source", "s3://bucket/nope.zip", "destination", dir.resolve("b").toString()))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("S3Download inputs[1]: cannot download s3://bucket/nope.zip: NoSuchKey: The specified key"
                        + " does not exist. (HTTP 404)");
        assertThat(dir.resolve("a")).exists();
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void sendsTheExpectedBucketOwner() throws Exception {
        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dir.resolve("p").toString(), "expectedBucketOwner", "999988887777"))))
                .hasMessageContaining("AccessDenied");

        new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dir.resolve("p").toString(), "expectedBucketOwner", s3.owner)));

        assertThat(s3.requests).last().satisfies(r ->
                assertThat(r.headers()).containsEntry("x-amz-expected-bucket-owner", s3.owner));
    }

    @Test
    void needsTheDestinationFolderToExist() {
        Path dest = dir.resolve("no/such/folder/package.zip");

        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/path/to/package.zip",
                "destination", dest.toString()))))
                .hasMessage("S3Download inputs[0]: folder " + dest.getParent() + " does not exist");
    }

    @Test
    void failsWhenNothingIsUnderThePrefix() {
        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/nothing/*",
                "destination", dir.toString()))))
                .hasMessage("S3Download inputs[0]: there are no objects under s3://bucket/nothing/*");
    }

    @Test
    void refusesKeysThatWouldLeaveTheDestinationFolder() throws Exception {
        s3.put("evil", "p/../../escaped.txt", "x");
        Path into = Files.createDirectories(dir.resolve("a/b"));

        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://evil/p/*",
                "destination", into.toString()))))
                .hasMessageContaining("key p/../../escaped.txt would leave the destination folder");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void refusesSourcesThatNameNoObject() {
        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/dir/",
                "destination", dir.toString()))))
                .hasMessage("S3Download: inputs[0].source s3://bucket/dir/ names no object; end it with /* to download"
                        + " all objects under a prefix");
        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "s3://bucket/*.zip",
                "destination", dir.toString()))))
                .hasMessageContaining("a * may only end the key");
        assertThatThrownBy(() -> new S3Download().run(context(Map.of("source", "/local/file",
                "destination", dir.toString()))))
                .hasMessage("S3Download: inputs[0].source '/local/file' is not an S3 URL (s3://bucket/key)");
    }

    @Test
    void namesTheVariablesToSetWhenNoEndpointIsConfigured() {
        TestContext context = new TestContext(List.of(Map.of("source", "s3://bucket/k", "destination", "/tmp/k")),
                dir.resolve("work"));

        assertThatThrownBy(() -> new S3Download().run(context))
                .hasMessage("S3Download: no S3-compatible endpoint is configured: set AWS_ENDPOINT_URL_S3"
                        + " (or AWS_ENDPOINT_URL), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY in the engine's environment"
                        + " (Kiln has no AWS access of its own)");
    }
}
