package dev.kiln.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Image;
import software.amazon.awssdk.services.imagebuilder.model.ImageStatus;

/**
 * Test helpers around a {@link KilnServer} started in-process on a free port: the regions the
 * integration tests use, and the access key the first start wrote to the credentials file (read with
 * the AWS SDK's own credentials-file parser).
 */
final class KilnTestServer {
    static final String EAST = "us-east-1";
    static final String WEST = "us-west-2";
    static final List<String> REGIONS = List.of(EAST, WEST);

    private KilnTestServer() {
    }

    static KilnServer start(Path dataDir) throws IOException {
        return KilnServer.start(ServerConfig.local(dataDir, 0, REGIONS));
    }

    /** An AWS SDK Image Builder client of the server's first account, in a region. */
    static ImagebuilderClient imageBuilder(KilnServer server, String region) {
        return ImagebuilderClient.builder()
                .endpointOverride(java.net.URI.create(server.endpoint()))
                .region(software.amazon.awssdk.regions.Region.of(region))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        defaultProfile(server.credentialsFile())))
                .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .build();
    }

    /**
     * Polls GetImage until the image is AVAILABLE, FAILED or CANCELLED.
     *
     * @param log the build's log, for the failure message when it does not end in time
     */
    static Image awaitEnd(ImagebuilderClient client, String arn, Duration timeout, Supplier<String> log)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Image image;
        do {
            image = client.getImage(r -> r.imageBuildVersionArn(arn)).image();
            ImageStatus s = image.state().status();
            if (s == ImageStatus.AVAILABLE || s == ImageStatus.FAILED || s == ImageStatus.CANCELLED) {
                return image;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the image " + arn + " is still " + image.state().statusAsString() + " after "
                + timeout + "; its log:\n" + log.get());
    }

    /** The log of a build of a server with this data directory, "(no log)" before there is one. */
    static String buildLog(Path dataDir, String arn) {
        try {
            Path log = dev.kiln.core.build.BuildFolders.log(dataDir.resolve("builds"), arn);
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The {@code default} profile of an AWS credentials file. */
    static AwsBasicCredentials defaultProfile(Path credentialsFile) {
        Profile profile = ProfileFile.builder().content(credentialsFile).type(ProfileFile.Type.CREDENTIALS).build()
                .profile("default")
                .orElseThrow(() -> new IllegalStateException("no [default] profile in " + credentialsFile));
        return AwsBasicCredentials.create(profile.property(ProfileProperty.AWS_ACCESS_KEY_ID).orElseThrow(),
                profile.property(ProfileProperty.AWS_SECRET_ACCESS_KEY).orElseThrow());
    }

    /** Writes a credentials file with one {@code default} profile, readable by its owner only. */
    static Path writeCredentials(Path file, String accessKeyId, String secretAccessKey) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "[default]\naws_access_key_id = " + accessKeyId + "\naws_secret_access_key = "
                + secretAccessKey + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }
}
