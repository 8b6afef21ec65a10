package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDownloadTest {
    private static final String HELLO = "hello world";
    private static final String HELLO_SHA256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    private static ExecutorService threads;
    private static HttpServer http;
    private static HttpsServer https;
    private static final AtomicInteger helloRequests = new AtomicInteger();
    private static final AtomicInteger flakyRequests = new AtomicInteger();
    private static final AtomicInteger downRequests = new AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers(@TempDir Path keys) throws Exception {
        threads = Executors.newCachedThreadPool();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        routes(http);
        http.setExecutor(threads);
        http.start();

        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned(keys)));
        routes(https);
        https.setExecutor(threads);
        https.start();
    }

    @AfterAll
    static void stopServers() throws InterruptedException {
        http.stop(0);
        https.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void resetCounters() {
        helloRequests.set(0);
        flakyRequests.set(0);
        downRequests.set(0);
    }

    private static void routes(HttpServer server) {
        server.createContext("/files/hello.txt", ex -> {
            helloRequests.incrementAndGet();
            reply(ex, 200, HELLO);
        });
        server.createContext("/files/big.bin", ex -> {
            // Larger than one write chunk, so the file is written in appends.
            byte[] big = new byte[Transfers.CHUNK * 2 + 123];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            ex.sendResponseHeaders(200, big.length);
            ex.getResponseBody().write(big);
            ex.close();
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/files/hello.txt");
            reply(ex, 302, "");
        });
        server.createContext("/missing", ex -> reply(ex, 404, "not here"));
        server.createContext("/flaky", ex -> {
            if (flakyRequests.incrementAndGet() < 3) {
                reply(ex, 503, "busy");
            } else {
                reply(ex, 200, HELLO);
            }
        });
        server.createContext("/down", ex -> {
            downRequests.incrementAndGet();
            reply(ex, 503, "busy");
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, HELLO);
        });
        server.createContext("/", ex -> reply(ex, 200, "index"));
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        try (ex) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            ex.getResponseBody().write(b);
        }
    }

    /** A key pair and self-signed certificate for "localhost", made with the JDK's keytool. */
    private static SSLContext selfSigned(Path keys) throws Exception {
        Path store = keys.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private ActionResult run(TestContext context) throws Exception {
        return new WebDownload(Duration.ofMillis(10)).run(context);
    }

    private TestContext context(Map<String, Object> input) {
        return new TestContext(List.of(input), dir.resolve("work"));
    }

    @Test
    void downloadsToAFileAndCreatesItsFolders() throws Exception {
        Path dest = dir.resolve("a/b/hello.txt");

        ActionResult result = run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString())));

        assertThat(dest).hasContent(HELLO);
        assertThat(result.outputs()).containsEntry("destination", dest.toString());
        assertThat(Files.list(dest.getParent())).as("no staging file left").hasSize(1);
    }

    @Test
    void takesTheFileNameFromTheUrlWhenTheDestinationIsAFolder() throws Exception {
        ActionResult result = run(context(Map.of("source", url("/files/hello.txt"),
                "destination", dir.resolve("into") + "/")));

        assertThat(dir.resolve("into/hello.txt")).hasContent(HELLO);
        assertThat(result.outputs()).containsEntry("destination", dir.resolve("into/hello.txt").toString());
    }

    @Test
    void joinsTheDestinationsOfAllInputsWithNewlines() throws Exception {
        TestContext context = new TestContext(List.of(
                Map.of("source", url("/files/hello.txt"), "destination", dir.resolve("one.txt").toString()),
                Map.of("source", url("/files/big.bin"), "destination", dir + "/")), dir.resolve("work"));

        ActionResult result = run(context);

        assertThat(result.outputs())
                .containsEntry("destination", dir.resolve("one.txt") + "\n" + dir.resolve("big.bin"));
        byte[] big = Files.readAllBytes(dir.resolve("big.bin"));
        assertThat(big).hasSize(Transfers.CHUNK * 2 + 123);
        assertThat(big[Transfers.CHUNK + 1]).isEqualTo((byte) (Transfers.CHUNK + 1));
    }

    @Test
    void verifiesAMatchingChecksumWhateverTheCaseOfAlgorithmAndDigits() throws Exception {
        Path dest = dir.resolve("hello.txt");

        run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString(),
                "checksum", HELLO_SHA256.toUpperCase(), "algorithm", "sha256")));

        assertThat(dest).hasContent(HELLO);
    }

    @Test
    void checksumsWithEachAlgorithm() throws Exception {
        for (String algorithm : List.of("MD5", "SHA1", "SHA256", "SHA512")) {
            String javaName = algorithm.equals("MD5") ? "MD5" : "SHA-" + algorithm.substring(3);
            String sum = HexFormat.of().formatHex(MessageDigest.getInstance(javaName)
                    .digest(HELLO.getBytes(StandardCharsets.UTF_8)));
            Path dest = dir.resolve(algorithm + ".txt");

            run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString(),
                    "checksum", sum, "algorithm", algorithm)));

            assertThat(dest).hasContent(HELLO);
        }
    }

    @Test
    void failsOnAChecksumMismatchAndLeavesNoFile() {
        Path dest = dir.resolve("sub/hello.txt");

        assertThatThrownBy(() -> run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString(),
                "checksum", "0".repeat(64), "algorithm", "SHA256"))))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("WebDownload inputs[0]: the SHA256 checksum of " + url("/files/hello.txt"))
                .hasMessageContaining("is " + HELLO_SHA256 + ", not " + "0".repeat(64));
        assertThat(dest).doesNotExist();
        assertThat(dest.getParent()).isEmptyDirectory();
    }

    @Test
    void skipsTheDownloadWhenTheExistingFileHasTheChecksum() throws Exception {
        Path dest = dir.resolve("hello.txt");
        Files.writeString(dest, HELLO);

        ActionResult result = run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString(),
                "checksum", HELLO_SHA256, "algorithm", "SHA256")));

        assertThat(helloRequests).hasValue(0);
        assertThat(result.outputs()).containsEntry("destination", dest.toString());
    }

    @Test
    void replacesAnExistingFileWhoseChecksumDiffers() throws Exception {
        Path dest = dir.resolve("hello.txt");
        Files.writeString(dest, "old content");

        run(context(Map.of("source", url("/files/hello.txt"), "destination", dest.toString(),
                "checksum", HELLO_SHA256, "algorithm", "SHA256")));

        assertThat(dest).hasContent(HELLO);
        assertThat(helloRequests).hasValue(1);
    }

    @Test
    void refusesToReplaceAFileWhenOverwriteIsFalse() throws Exception {
        Path dest = dir.resolve("hello.txt");
        Files.writeString(dest, "keep me");

        assertThatThrownBy(() -> run(context(Map.of("source", url("/files/hello.txt"),
                "destination", dest.toString(), "overwrite", "false"))))
                .hasMessage("WebDownload inputs[0]: " + dest + " already exists and overwrite is false");
        assertThat(dest).hasContent("keep me");
        assertThat(helloRequests).hasValue(0);
    }

    @Test
    void followsRedirects() throws Exception {
        Path dest = dir.resolve("moved.txt");

        run(context(Map.of("source", url("/moved"), "destination", dest.toString())));

        assertThat(dest).hasContent(HELLO);
    }

    @Test
    void failsOnAStatusOtherThan200WithoutRetrying() {
        assertThatThrownBy(() -> run(new TestContext(List.of(
                Map.of("source", url("/files/hello.txt"), "destination", dir.resolve("ok.txt").toString()),
                Map.of("source", url("/missing"), "destination", dir.resolve("missing.txt").toString())),
                dir.resolve("work"))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("WebDownload inputs[1]: cannot download " + url("/missing") + ": HTTP 404");
        assertThat(dir.resolve("missing.txt")).doesNotExist();
    }

    @Test
    void retriesServerErrorsWithBackoff() throws Exception {
        TestContext context = context(Map.of("source", url("/flaky"), "destination", dir.resolve("f.txt").toString()));

        run(context);

        assertThat(dir.resolve("f.txt")).hasContent(HELLO);
        assertThat(flakyRequests).hasValue(3);
        assertThat(context.notes).anyMatch(n -> n.contains("attempt 1 of 5") && n.contains("HTTP 503")
                && n.contains("10 ms"));
        assertThat(context.notes).anyMatch(n -> n.contains("attempt 2 of 5") && n.contains("20 ms"));
    }

    @Test
    void givesUpAfterFiveAttempts() {
        assertThatThrownBy(() -> run(context(Map.of("source", url("/down"),
                "destination", dir.resolve("d.txt").toString()))))
                .hasMessage("WebDownload inputs[0]: cannot download " + url("/down") + " after 5 attempts: HTTP 503");
        assertThat(downRequests).hasValue(5);
    }

    @Test
    void retriesConnectionErrors() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TestContext context = context(Map.of("source", "http://127.0.0.1:" + closedPort + "/x",
                "destination", dir.resolve("x").toString()));

        assertThatThrownBy(() -> run(context)).hasMessageContaining("after 5 attempts: ");
        assertThat(context.notes.stream().filter(n -> n.contains("failed ("))).hasSize(4);
    }

    @Test
    void stopsWhenTheStepsTimeRunsOut() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> run(context(Map.of("source", url("/slow"),
                "destination", dir.resolve("s.txt").toString())).withTimeout(Duration.ofMillis(300))))
                .hasMessage("WebDownload inputs[0]: cannot download " + url("/slow") + ": the step's time ran out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void refusesAnUntrustedCertificate() {
        String source = "https://127.0.0.1:" + https.getAddress().getPort() + "/files/hello.txt";

        assertThatThrownBy(() -> run(context(Map.of("source", source, "destination", dir.resolve("t.txt").toString()))))
                .hasMessageStartingWith("WebDownload inputs[0]: cannot download " + source + ": ")
                .hasMessageEndingWith("(ignoreCertificateErrors: true accepts any certificate)");
        assertThat(helloRequests).hasValue(0);
    }

    @Test
    void acceptsAnyCertificateAndHostNameWhenAsked() throws Exception {
        // The certificate is self-signed, and for "localhost" while the URL says 127.0.0.1.
        String source = "https://127.0.0.1:" + https.getAddress().getPort() + "/files/hello.txt";
        Path dest = dir.resolve("t.txt");

        run(context(Map.of("source", source, "destination", dest.toString(), "ignoreCertificateErrors", "true")));

        assertThat(dest).hasContent(HELLO);
    }

    @Test
    void refusesWhatIsNotAnHttpUrlBeforeDownloadingAnything() {
        assertThatThrownBy(() -> run(new TestContext(List.of(
                Map.of("source", url("/files/hello.txt"), "destination", dir.resolve("a.txt").toString()),
                Map.of("source", "ftp://example.com/x", "destination", dir.resolve("b.txt").toString())),
                dir.resolve("work"))))
                .hasMessage("WebDownload: inputs[1].source 'ftp://example.com/x' is not an http or https URL");
        assertThat(helloRequests).hasValue(0);
    }

    @Test
    void wantsChecksumAndAlgorithmTogether() {
        assertThatThrownBy(() -> run(context(Map.of("source", url("/files/hello.txt"),
                "destination", dir.resolve("a").toString(), "checksum", HELLO_SHA256))))
                .hasMessageContaining("inputs[0]: checksum and algorithm go together");
        assertThatThrownBy(() -> run(context(Map.of("source", url("/files/hello.txt"),
                "destination", dir.resolve("a").toString(), "checksum", "x", "algorithm", "CRC32"))))
                .hasMessageContaining("inputs[0].algorithm 'CRC32' is not one of MD5, SHA1, SHA256, SHA512");
    }

    @Test
    void needsAFileNameWhenTheUrlHasNone() {
        assertThatThrownBy(() -> run(context(Map.of("source", url("/"), "destination", dir + "/"))))
                .hasMessageContaining("cannot take a file name from " + url("/"));
    }

    @Test
    void refusesAFolderAsTheDestinationFile() throws Exception {
        Files.createDirectories(dir.resolve("folder"));

        assertThatThrownBy(() -> run(context(Map.of("source", url("/files/hello.txt"),
                "destination", dir.resolve("folder").toString()))))
                .hasMessageContaining("destination " + dir.resolve("folder") + " is a folder");
    }
}
