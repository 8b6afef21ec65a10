package dev.kiln.machines.base;

import dev.kiln.machines.TestCache;
import dev.kiln.machines.host.HostPrograms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the container base image from the Debian mirror into the shared test cache (about 15 s the
 * first time, then reused) and pushes it to a CNCF registry the test starts on loopback.
 */
class ContainerBaseImagesIT {
    static final Path CACHE = TestCache.BASE_IMAGES;
    static final String NAME = "debian-12-container";
    static final BuildLog LOG = BuildLog.discarding(Clock.systemUTC()).follow(System.out::println);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static final List<Process> registries = new CopyOnWriteArrayList<>();
    static ContainerRegistry registry;
    static ContainerBaseImages images;
    static ContainerBaseImage image;

    @BeforeAll
    static void buildAndStartARegistry() throws Exception {
        HostPrograms.require("skopeo");
        HostPrograms.require("mmdebstrap");
        images = new ContainerBaseImages(CACHE);
        long start = System.nanoTime();
        image = images.ensure(NAME, LOG);
        System.out.printf("ensure %s: %.2f s%n", NAME, (System.nanoTime() - start) / 1e9);

        registry = startRegistry("us-east-1", "");
    }

    @AfterAll
    static void stopRegistries() throws InterruptedException {
        for (Process p : registries) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void pushesAnOciImageWithOneLayerEnvAndCmd() throws Exception {
        String reference = images.ensurePushed(NAME, registry, Map.of(), LOG);

        assertThat(reference).isEqualTo(registry.host() + "/kiln/debian-12-container:2026.11.0");
        JsonNode manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + reference));
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.path("layers")).hasSize(1);
        assertThat(manifest.at("/layers/0/mediaType").asText())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        JsonNode inspect = JSON.readTree(skopeo("inspect", "--tls-verify=false", "docker://" + reference));
        assertThat(inspect.path("Digest").asText()).isEqualTo(image.manifestDigest());
        assertThat(inspect.path("Architecture").asText()).isEqualTo("amd64");
        assertThat(inspect.path("Env").toString())
                .contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(inspect.at("/Labels").path("org.opencontainers.image.version").asText()).isEqualTo("2026.11.0");
        assertThat(inspect.at("/Labels").path("org.opencontainers.image.vendor").asText()).isEqualTo("Kiln");
        JsonNode config = JSON.readTree(skopeo("inspect", "--config", "--tls-verify=false", "docker://" + reference));
        assertThat(config.at("/config/Cmd").toString()).isEqualTo("[\"bash\"]");
        assertThat(config.at("/rootfs/diff_ids")).hasSize(1);
    }

    @Test
    void aSecondCallFindsItInTheRegistryAndNeitherBuildsNorPushes() throws Exception {
        images.ensurePushed(NAME, registry, Map.of(), LOG);
        List<String> lines = new CopyOnWriteArrayList<>();
        BuildLog log = BuildLog.discarding(Clock.systemUTC()).follow(lines::add);

        long start = System.nanoTime();
        String reference = images.ensurePushed(NAME, registry, Map.of(), log);
        System.out.printf("second ensurePushed: %.1f ms%n", (System.nanoTime() - start) / 1e6);

        assertThat(reference).endsWith("/kiln/debian-12-container:2026.11.0");
        assertThat(lines).anyMatch(l -> l.contains("is in the registry of region us-east-1 already"));
        assertThat(lines).noneMatch(l -> l.contains("pushing") || l.contains("[skopeo]") || l.contains("mmdebstrap"));
        assertThat(images.cached(NAME)).contains(image);
    }

    @Test
    void pulledBackItsLayerIsADebianRootWithContainerConventions() throws Exception {
        String reference = images.ensurePushed(NAME, registry, Map.of(), LOG);
        Path pulled = work.resolve("pulled");
        skopeo("copy", "--src-tls-verify=false", "docker://" + reference, "oci:" + pulled + ":back");

        JsonNode index = JSON.readTree(pulled.resolve("index.json").toFile());
        assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(image.manifestDigest());
        JsonNode manifest = JSON.readTree(OciLayout.blob(pulled, image.manifestDigest()).toFile());
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        List<String> wanted = List.of("etc/debian_version", "usr/sbin/policy-rc.d", "etc/hostname", "etc/resolv.conf",
                "etc/apt/apt.conf.d/docker-clean", "etc/apt/sources.list");
        try (InputStream in = Files.newInputStream(OciLayout.blob(pulled, manifest.at("/layers/0/digest").asText()));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
            for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                String name = e.getName().replaceFirst("^\\./", "");
                entries.put(name, e);
                if (wanted.contains(name)) {
                    texts.put(name, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(entries).containsKeys("usr/bin/apt-get", "usr/bin/bash", "etc/debian_version");
        assertThat(entries.get("bin").isSymbolicLink()).isTrue();
        assertThat(texts.get("etc/debian_version")).startsWith("12.");
        assertThat(texts.get("usr/sbin/policy-rc.d")).contains("exit 101");
        assertThat(entries.get("usr/sbin/policy-rc.d").getMode() & 0111).isNotZero();
        assertThat(texts.get("etc/hostname")).isEmpty();
        assertThat(texts.get("etc/resolv.conf")).isEmpty();
        assertThat(texts.get("etc/apt/apt.conf.d/docker-clean")).contains("Dir::Cache::pkgcache \"\";");
        assertThat(texts.get("etc/apt/sources.list")).contains(" bookworm main", "bookworm-security main");
        assertThat(entries.keySet()).noneMatch(n -> n.startsWith("dev/") || n.startsWith("boot/vmlinuz")
                || n.startsWith("var/lib/apt/lists/") && n.endsWith("_Packages"));
        assertThat(entries.values()).noneMatch(e -> e.isCharacterDevice() || e.isBlockDevice());
    }

    @Test
    void pushingToAPortWhereNothingListensFailsFast() throws Exception {
        int port = freePort();
        ContainerRegistry nowhere = new ContainerRegistry("eu-west-1", "127.0.0.1:" + port,
                URI.create("http://127.0.0.1:" + port), true);
        long start = System.nanoTime();
        assertThatThrownBy(() -> images.ensurePushed(NAME, nowhere, Map.of(), LOG))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("eu-west-1")
                .hasMessageContaining("http://127.0.0.1:" + port)
                .hasMessageContaining("does not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRegistryThatRefusesThePushFailsWithSkopeosLastLines() throws Exception {
        ContainerRegistry readOnly = startRegistry("ap-south-1", "  maintenance: {readonly: {enabled: true}}\n");
        assertThatThrownBy(() -> images.ensurePushed(NAME, readOnly, Map.of(), LOG))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("cannot push container base image debian-12-container to the registry of region"
                        + " ap-south-1 (" + readOnly.host() + "/kiln/debian-12-container:2026.11.0)")
                .hasMessageContaining("skopeo copy failed with exit code")
                .hasMessageContaining("its last lines:");
    }

    @Test
    void skopeoReadsTheRegistriesConfNamedInTheEnvironment() throws Exception {
        ContainerRegistry blocked = startRegistry("sa-east-1", "");
        Path conf = work.resolve("registries.conf");
        Files.writeString(conf, "[[registry]]\nlocation = \"" + blocked.host() + "\"\nblocked = true\n");
        assertThatThrownBy(() -> images.ensurePushed(NAME, blocked,
                Map.of("CONTAINERS_REGISTRIES_CONF", conf.toString()), LOG))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("blocked");
    }

    /** A CNCF registry for a region on a free loopback port, with extra storage settings; stopped after all tests. */
    private static ContainerRegistry startRegistry(String region, String storage) throws Exception {
        Path program = HostPrograms.require("docker-registry");
        int port = freePort();
        Path config = work.resolve(region + ".yml");
        Path output = work.resolve(region + ".log");
        // Never the Debian package's /etc/docker/registry/config.yml: it wants htpasswd auth and listens on all
        // interfaces.
        Files.writeString(config, "version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: "
                + work.resolve(region) + "}\n  delete: {enabled: true}\n" + storage + "http: {addr: 127.0.0.1:"
                + port + "}\n");
        Process p = new ProcessBuilder(program.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        registries.add(p);
        awaitRegistry(p, URI.create("http://127.0.0.1:" + port + "/v2/"), output);
        return new ContainerRegistry(region, "127.0.0.1:" + port, URI.create("http://127.0.0.1:" + port), true);
    }

    private static String skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(HostPrograms.require("skopeo").toString()));
        command.addAll(List.of(args));
        return HostPrograms.run(command, Duration.ofMinutes(2), null, null);
    }

    private static void awaitRegistry(Process p, URI v2, Path output) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("docker-registry exited: " + Files.readString(output));
            }
            try {
                if (http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        fail("docker-registry did not answer on " + v2 + ": " + Files.readString(output));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
