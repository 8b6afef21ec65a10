package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The CNCF registry (Debian's docker-registry) on 127.0.0.1 and a free port, with a config of its own. */
final class TestRegistry implements AutoCloseable {

    private static final Path PROGRAM = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final String host;

    private TestRegistry(Process process, String host) {
        this.process = process;
        this.host = host;
    }

    static TestRegistry start(Path folder) throws Exception {
        assertThat(PROGRAM).as("the CNCF registry: install the Debian package docker-registry").isExecutable();
        Files.createDirectories(folder);
        int port = freePort();
        Path config = folder.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log: {level: warn}
                storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
                http: {addr: 127.0.0.1:%d}
                """.formatted(folder.resolve("data"), port));
        Process p = new ProcessBuilder(PROGRAM.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("registry.log").toFile()).start();
        TestRegistry registry = new TestRegistry(p, "127.0.0.1:" + port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return registry;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        registry.close();
        throw new IllegalStateException("the test registry did not answer on " + registry.host + ": "
                + Files.readString(folder.resolve("registry.log")));
    }

    /** {@code 127.0.0.1:<port>} */
    String host() {
        return host;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
