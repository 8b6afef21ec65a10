package dev.kiln.core.build;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.arn.Arn;
import dev.kiln.common.wait.Deadline;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Config;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.common.s3.S3Location;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a build's logs to the bucket its infrastructure configuration names in {@code logging.s3Logs},
 * as Image Builder does: the engine's logs (each run's {@code TOE_*} folder: console.log,
 * application.log, detailedoutput.json) and then {@code build.log}, under
 * {@code <s3KeyPrefix>/<image name>/<version>/<build>/} keeping their paths in the build folder. It
 * runs when the build has ended, before its final state is written, so that whoever sees the image
 * AVAILABLE or FAILED finds its logs in the bucket. It never fails a build: an upload that fails is
 * said in the build log, and the logs stay in the build folder either way.
 */
final class UploadLogsStep {
    /** The whole upload's bound: logs are small, and a build's end must not wait on a dead endpoint. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** The engine's logs of one run of phases live in these folders of the build folder. */
    private static final String ENGINE_LOGS_PREFIX = "components-";
    /** The engine's resumable state, in the same folders: not a log. */
    private static final String ENGINE_STATE_PREFIX = "state-";

    private final S3Config s3;

    /** @param s3 the S3-compatible endpoint this Kiln uploads to, or null when it has none */
    UploadLogsStep(S3Config s3) {
        this.s3 = s3;
    }

    /**
     * @param infrastructure the image's infrastructure configuration (its {@code logging.s3Logs})
     * @param folder         the build folder
     */
    void run(String imageArn, ImageRecord.Infrastructure infrastructure, Path folder, BuildLog log) {
        String bucket = infrastructure.logsBucket();
        if (bucket.isEmpty()) {
            return;
        }
        String prefix = keyPrefix(infrastructure.logsKeyPrefix(), imageArn);
        String destination = "s3://" + bucket + "/" + prefix;
        if (s3 == null) {
            log.info("logging.s3Logs names " + destination + ", but this Kiln server has no S3 endpoint (start it"
                    + " with --s3-endpoint): the logs stay in " + folder);
            return;
        }
        List<Path> files;
        try {
            files = logFiles(folder);
        } catch (IOException e) {
            log.info("could not list the build's logs in " + folder + " for " + destination + ": " + e.getMessage());
            return;
        }
        log.info("uploading the build's logs (" + files.size() + " file(s)) to " + destination + " at "
                + s3.endpoint());
        S3Client client = new S3Client(s3, Deadline.after(TIMEOUT)::remaining);
        boolean interrupted = Thread.interrupted();
        try {
            for (Path file : files) {
                String key = prefix + folder.relativize(file).toString().replace('\\', '/');
                // build.log is read last, so the copy has every line written until now.
                client.put(new S3Location(bucket, key), Files.readAllBytes(file), null);
            }
            log.info("uploaded the build's logs to " + destination);
        } catch (S3Exception | IOException e) {
            log.info("could not upload the build's logs to " + destination + " (" + describe(e) + "); they stay in "
                    + folder);
        } catch (InterruptedException e) {
            interrupted = true;
            log.info("the upload of the build's logs to " + destination + " was interrupted; they stay in " + folder);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code <s3KeyPrefix>/<image name>/<version>/<build>/}, without a leading slash. */
    static String keyPrefix(String s3KeyPrefix, String imageArn) {
        Arn arn = Arn.parse(imageArn).orElseThrow(() -> new IllegalArgumentException("not an ARN: " + imageArn));
        String start = s3KeyPrefix.replaceAll("^/+", "").replaceAll("/+$", "");
        return (start.isEmpty() ? "" : start + "/") + arn.name() + "/" + arn.version() + "/" + arn.build() + "/";
    }

    /** The engine's logs in path order, then build.log. */
    static List<Path> logFiles(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> top = Files.list(folder)) {
            for (Path engineLogs : top.filter(p -> p.getFileName().toString().startsWith(ENGINE_LOGS_PREFIX)
                    && Files.isDirectory(p)).sorted().toList()) {
                try (Stream<Path> all = Files.walk(engineLogs)) {
                    all.filter(Files::isRegularFile)
                            .filter(p -> !engineLogs.relativize(p).getName(0).toString().startsWith(ENGINE_STATE_PREFIX))
                            .sorted(Comparator.comparing(Path::toString))
                            .forEach(files::add);
                }
            }
        }
        Path buildLog = folder.resolve("build.log");
        if (Files.isRegularFile(buildLog)) {
            files.add(buildLog);
        }
        return files;
    }

    private String describe(Exception e) {
        if (e instanceof ConnectException) {
            return "nothing answers at " + s3.endpoint();
        }
        if (e instanceof HttpTimeoutException) {
            return s3.endpoint() + " did not answer within " + TIMEOUT.toMinutes() + " minutes";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
