package dev.kiln.machines.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionRegistriesIT {
    @TempDir
    Path dir;

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final BuildLog log = BuildLog.discarding(Clock.systemUTC()).follow(logLines::add);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        assertThat(RegistryProcesses.under(dir)).as("docker-registry processes left").isEmpty();
    }

    @Test
    void startsARegionsRegistryOnFirstUseAndSkopeoReachesItThroughTheEnvironment() throws Exception {
        RegionRegistries registries = registries(Map.of());

        ContainerRegistry registry = registries.registry("us-east-1", log);
        String digest = TinyImage.push(registry.url(), "kiln/hello", "1.0.0-1", "hello", null);

        assertThat(registry.managed()).isTrue();
        assertThat(registry.host()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(registry.url()).isEqualTo(URI.create("http://" + registry.host()));
        assertThat(dir.resolve("regions/us-east-1/registry/data")).isDirectory();
        assertThat(logLines).anyMatch(l -> l.contains("region us-east-1: started Kiln's container registry on "
                + registry.host()));
        assertThat(Path.of(registries.environment().get("CONTAINERS_REGISTRIES_CONF"))).content()
                .contains("location = \"" + registry.host() + "\"\ninsecure = true");
        Run inspect = skopeo(registries, "inspect", "docker://" + registry.reference("kiln/hello", "1.0.0-1"));
        assertThat(inspect.exitCode).as(inspect.output).isZero();
        assertThat(inspect.output).contains(digest);
        Run withoutConf = run(Map.of(), "skopeo", "inspect",
                "docker://" + registry.digestReference("kiln/hello", digest));
        assertThat(withoutConf.exitCode).as("plain http is allowed only through Kiln's registries.conf").isNotZero();
    }

    @Test
    void buildahPullsFromTheRegionsRegistryWithTheEnvironmentAlone() throws Exception {
        RegionRegistries registries = registries(Map.of());
        ContainerRegistry registry = registries.registry("us-east-1", log);
        TinyImage.push(registry.url(), "kiln/hello", "1", "hello", null);
        List<String> storage = List.of("--root", dir.resolve("ctr/root").toString(), "--runroot",
                dir.resolve("ctr/run").toString(), "--storage-driver", "vfs");

        Run pull = run(registries.environment(), "buildah", concat(storage, "pull", "--quiet",
                registry.reference("kiln/hello", "1")));

        assertThat(pull.exitCode).as(pull.output).isZero();
        run(Map.of(), "buildah", concat(storage, "rmi", "--all", "--force"));
    }

    @Test
    void concurrentCallersShareOneStartAndLaterCallsReuseIt() throws Exception {
        RegionRegistries registries = registries(Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ContainerRegistry>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> registries.registry("eu-west-1", log)));
            }
            Set<String> hosts = calls.stream().map(f -> {
                try {
                    return f.get().host();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toSet());

            assertThat(hosts).hasSize(1);
            assertThat(RegistryProcesses.under(dir)).hasSize(1);
            assertThat(registries.registry("eu-west-1", log).host()).isEqualTo(hosts.iterator().next());
            assertThat(logLines).filteredOn(l -> l.contains("started Kiln's container registry")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachStartedRegistryIsListedInRegistriesConf() throws Exception {
        RegionRegistries registries = registries(Map.of());

        String a = registries.registry("us-east-1", log).host();
        String b = registries.registry("eu-west-1", log).host();

        assertThat(a).isNotEqualTo(b);
        assertThat(Path.of(registries.environment().get("CONTAINERS_REGISTRIES_CONF"))).content()
                .contains("location = \"" + a + "\"", "location = \"" + b + "\"");
    }

    @Test
    void aConfiguredRegistryNobodyServesFailsNamingRegionAddressAndCause() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RegionRegistries registries = registries(Map.of("us-east-1",
                URI.create("http://kiln:secret@127.0.0.1:" + port)));

        assertThatThrownBy(() -> registries.registry("us-east-1", log)).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("us-east-1")
                .hasMessageContaining("http://127.0.0.1:" + port)
                .hasMessageContaining("connection refused")
                .hasMessageNotContaining("secret");
        assertThat(RegistryProcesses.under(dir)).isEmpty();
    }

    @Test
    void aConfiguredRegistryWithCredentialsIsUsedThroughTheAuthFile() throws Exception {
        int port = freePort();
        Process secured = startRegistryWithPassword(dir.resolve("secured"), port, "kiln", "s3cret!");
        toClose.add(() -> {
            secured.destroyForcibly();
            secured.waitFor();
        });
        URI plain = URI.create("http://127.0.0.1:" + port);
        awaitStatus(plain, 401);
        String digest = TinyImage.push(plain, "team/app", "2.0.0-1", "secured", TinyImage.basic("kiln", "s3cret!"));
        RegionRegistries registries = registries(Map.of("ap-south-1",
                URI.create("http://kiln:s3cret%21@127.0.0.1:" + port + "/")));

        ContainerRegistry registry = registries.registry("ap-south-1", log);

        assertThat(registry).isEqualTo(new ContainerRegistry("ap-south-1", "127.0.0.1:" + port, plain, false));
        Run inspect = skopeo(registries, "inspect", "docker://" + registry.reference("team/app", "2.0.0-1"));
        assertThat(inspect.exitCode).as(inspect.output).isZero();
        assertThat(inspect.output).contains(digest);
    }

    @Test
    void aKilnRunRegistryWhosePortIsTakenFailsTheBuildNamingRegionPortAndFile() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("regions/us-east-1/registry"));
        try (ServerSocket squatter = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            LocalRegistry.writePort(folder, squatter.getLocalPort());
            RegionRegistries registries = registries(Map.of());

            assertThatThrownBy(() -> registries.registry("us-east-1", log)).isInstanceOf(BuildFailure.class)
                    .hasMessageContaining("region us-east-1")
                    .hasMessageContaining("127.0.0.1:" + squatter.getLocalPort())
                    .hasMessageContaining(folder.resolve("port").toString());
        }
    }

    @Test
    void sweepOrphansStopsTheRegistryACrashedKilnLeftAndFreesItsPort() throws Exception {
        RegionRegistries crashed = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), Map.of());
        ContainerRegistry before = crashed.registry("us-east-1", log);
        long pid = crashed.local("us-east-1").pid();
        crashed.local("us-east-1").detach();
        assertThat(RegistryProcesses.under(dir)).containsExactly(pid);

        RegionRegistries next = registries(Map.of());
        int stopped = next.sweepOrphans();

        assertThat(stopped).isEqualTo(1);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir.resolve("regions/us-east-1/registry/pid")).doesNotExist();
        assertThat(next.registry("us-east-1", log).host()).isEqualTo(before.host());
        assertThat(next.sweepOrphans()).as("its own running registry is no orphan").isZero();
    }

    @Test
    void closeStopsEveryRegistryItStarted() throws Exception {
        RegionRegistries registries = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), Map.of());
        registries.registry("us-east-1", log);
        registries.registry("eu-west-1", log);
        assertThat(RegistryProcesses.under(dir)).hasSize(2);

        registries.close();
        registries.close();

        assertThat(RegistryProcesses.under(dir)).isEmpty();
        assertThatThrownBy(() -> registries.registry("us-east-1", log)).isInstanceOf(IllegalStateException.class);
    }

    private RegionRegistries registries(Map<String, URI> configured) throws Exception {
        RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), configured);
        toClose.add(r);
        return r;
    }

    private record Run(int exitCode, String output) {
    }

    /** skopeo as Kiln runs it: the environment plus the global options (skopeo 1.9 needs both). */
    private static Run skopeo(RegionRegistries registries, String... args) throws Exception {
        return run(registries.environment(), "skopeo", concat(registries.globalOptions(), args));
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static Run run(Map<String, String> environment, String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(HostPrograms.require(program).toString()));
        command.addAll(List.of(args));
        StringBuilder out = new StringBuilder();
        OutputListener listener = new OutputListener() {
            @Override
            public synchronized void stdout(String line) {
                out.append(line).append('\n');
            }

            @Override
            public synchronized void stderr(String line) {
                out.append(line).append('\n');
            }
        };
        ExecResult r = ProcessRunner.run(new ExecRequest(command, environment, null, Duration.ofSeconds(60)), listener);
        return new Run(r.exitCode(), out.toString());
    }

    /** A registry that wants a password, as an operator might run one (htpasswd with bcrypt). */
    private static Process startRegistryWithPassword(Path folder, int port, String user, String password)
            throws Exception {
        Files.createDirectories(folder);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Files.writeString(folder.resolve("htpasswd"),
                user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 4) + "\n");
        Files.writeString(folder.resolve("config.yml"), "version: 0.1\n"
                + "log: {level: warn, accesslog: {disabled: true}}\n"
                + "storage: {filesystem: {rootdirectory: \"" + folder.resolve("data") + "\"}}\n"
                + "http: {addr: \"127.0.0.1:" + port + "\", secret: test}\n"
                + "auth: {htpasswd: {realm: kiln-test, path: \"" + folder.resolve("htpasswd") + "\"}}\n");
        return new ProcessBuilder(HostPrograms.require("docker-registry").toString(), "serve",
                folder.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("registry.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    private static void awaitStatus(URI url, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                if (RegistryPing.status(url, Duration.ofSeconds(2)) == status) {
                    return;
                }
            } catch (java.io.IOException e) {
                // Not listening yet.
            }
            assertThat(System.nanoTime()).as(url + " answers " + status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
