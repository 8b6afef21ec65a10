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

class S3UploadTest {
    @TempDir
    Path dir;
    private FakeS3 s3;

    @BeforeEach
    void start() throws Exception {
        s3 = FakeS3.start();
        s3.createBucket("bucket");
        Files.writeString(dir.resolve("app.log"), "log 1");
        Files.writeString(dir.resolve("db.log"), "log 2");
        Files.writeString(dir.resolve("notes.txt"), "notes");
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.writeString(dir.resolve("sub/more.log"), "log 3");
        Files.writeString(dir.resolve("sub/deeper/last.txt"), "last");
    }

    @AfterEach
    void stop() {
        s3.close();
    }

    private void run(Map<String, Object>... inputs) throws Exception {
        TestContext context = new TestContext(List.of(inputs), dir.resolve("work"));
        context.environment.putAll(s3.environment());
        new S3Upload().run(context);
    }

    @Test
    void uploadsAFileToAKey() throws Exception {
        run(Map.of("source", dir.resolve("notes.txt").toString(), "destination", "s3://bucket/docs/n.txt"));

        assertThat(s3.keys("bucket")).containsExactly("docs/n.txt");
        assertThat(s3.object("bucket", "docs/n.txt")).isEqualTo("notes");
    }

    @Test
    void keepsTheFileNameUnderAPrefix() throws Exception {
        run(Map.of("source", dir.resolve("notes.txt").toString(), "destination", "s3://bucket/docs/"));

        assertThat(s3.keys("bucket")).containsExactly("docs/notes.txt");
    }

    @Test
    void uploadsTheFilesMatchingAWildcard() throws Exception {
        run(Map.of("source", dir + "/*.log", "destination", "s3://bucket/logs/"));

        assertThat(s3.keys("bucket")).containsExactly("logs/app.log", "logs/db.log");
    }

    @Test
    void uploadsMatchingFilesAtAllLevelsWhenRecursing() throws Exception {
        run(Map.of("source", dir + "/*.log", "destination", "s3://bucket/logs", "recurse", "true"));

        assertThat(s3.keys("bucket")).containsExactly("logs/app.log", "logs/db.log", "logs/sub/more.log");
    }

    @Test
    void uploadsAWholeFolderWhenRecursing() throws Exception {
        run(Map.of("source", dir.resolve("sub").toString(), "destination", "s3://bucket/backup/", "recurse", "true"));

        assertThat(s3.keys("bucket")).containsExactly("backup/deeper/last.txt", "backup/more.log");
        assertThat(s3.object("bucket", "backup/deeper/last.txt")).isEqualTo("last");
    }

    @Test
    void wantsRecurseForAFolder() {
        assertThatThrownBy(() -> run(Map.of("source", dir.resolve("sub").toString(), "destination", "s3://bucket/")))
                .hasMessage("S3Upload inputs[0]: " + dir.resolve("sub") + " is a folder: set recurse: true to upload"
                        + " all it holds, or name its files with a *");
    }

    @Test
    void failsWhenNothingMatches() {
        assertThatThrownBy(() -> run(Map.of("source", dir + "/*.zip", "destination", "s3://bucket/")))
                .hasMessage("S3Upload inputs[0]: no files match " + dir + "/*.zip");
    }

    @Test
    void failsWhenTheSourceIsMissing() {
        assertThatThrownBy(() -> run(Map.of("source", dir + "/nope.txt", "destination", "s3://bucket/")))
                .hasMessage("S3Upload inputs[0]: file " + dir + "/nope.txt does not exist");
    }

    @Test
    void namesTheFileObjectAndS3ErrorWhenTheBucketIsMissing() {
        assertThatThrownBy(() -> run(
                Map.of("source", dir.resolve("notes.txt").toString(), "destination", "s3://bucket/ok.txt"),
                Map.of("source", dir.resolve("notes.txt").toString(), "destination", "s3://no-bucket/n.txt")))
                .hasMessage("S3Upload inputs[1]: cannot upload " + dir.resolve("notes.txt")
                        + " to s3://no-bucket/n.txt: NoSuchBucket: The specified bucket does not exist (HTTP 404)");
        assertThat(s3.keys("bucket")).containsExactly("ok.txt");
    }

    @Test
    void sendsTheExpectedBucketOwner() {
        assertThatThrownBy(() -> run(Map.of("source", dir.resolve("notes.txt").toString(),
                "destination", "s3://bucket/n.txt", "expectedBucketOwner", "999988887777")))
                .hasMessageContaining("AccessDenied: Access Denied (HTTP 403)");
        assertThat(s3.keys("bucket")).isEmpty();
    }

    @Test
    void refusesADestinationThatIsNotAnS3Url() {
        assertThatThrownBy(() -> run(Map.of("source", dir.resolve("notes.txt").toString(), "destination", "/tmp/x")))
                .hasMessage("S3Upload: inputs[0].destination '/tmp/x' is not an S3 URL (s3://bucket/key)");
    }
}
