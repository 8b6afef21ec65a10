package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** buildah for real, against a registry the test starts: builds, containers, commits, pushes, clean-up. */
class BuildahEngineIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final BusyboxRegistry REGISTRY = new BusyboxRegistry();

    @TempDir
    Path dir;
    private TestStorage storage;
    private BuildahEngine engine;

    @BeforeEach
    void newStorage() {
        storage = new TestStorage(dir.resolve("storage"));
        engine = storage.engine;
    }

    @AfterEach
    void removeStorage() throws Exception {
        storage.close();
    }

    private static String busybox() {
        return REGISTRY.busybox();
    }

    @Test
    void buildsADockerfileWithItsFullMeaning() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.writeString(context.resolve("hello.txt"), "hello from the context\n");
        String id = engine.buildDockerfile("""
                FROM %s
                ENV GREETING=hi
                WORKDIR /srv/app
                COPY hello.txt ./
                RUN echo "built in $PWD, $GREETING" > built.txt
                LABEL org.example.purpose=test
                CMD ["sh", "-c", "cat built.txt"]
                """.formatted(busybox()), context, "localhost/kiln-build/full:1", storage.log);

        assertThat(id).matches("[0-9a-f]{64}");
        JsonNode config = JSON.readTree(storage.buildah("inspect", "--type", "image", id)).path("OCIv1").path("config");
        assertThat(config.path("Env").toString()).contains("GREETING=hi");
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/srv/app");
        assertThat(config.path("Labels").path("org.example.purpose").asText()).isEqualTo("test");
        assertThat(config.path("Cmd").toString()).isEqualTo("[\"sh\",\"-c\",\"cat built.txt\"]");
        try (WorkingContainer c = engine.from(id, "kiln-full-check", storage.log)) {
            assertThat(c.target().read("/srv/app/built.txt")).asString().isEqualTo("built in /srv/app, hi\n");
            assertThat(c.target().read("/srv/app/hello.txt")).asString().isEqualTo("hello from the context\n");
        }
        assertThat(storage.logLines).anyMatch(l -> l.contains("[buildah] STEP 5/7: RUN echo"));
    }

    @Test
    void aFailingRunFailsWithItsOutput() throws Exception {
        assertThatThrownBy(() -> engine.buildDockerfile("""
                FROM %s
                RUN echo "checking the widgets"; echo "widget 7 is broken" >&2; exit 3
                """.formatted(busybox()), Files.createDirectories(dir.resolve("context")), "localhost/kiln-build/f:1",
                storage.log))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("the Dockerfile failed: building at STEP")
                .hasMessageContaining("exit status 3")
                .hasMessageContaining("checking the widgets")
                .hasMessageContaining("widget 7 is broken");
        assertThat(storage.containerNames()).isEmpty();
    }

    @Test
    void aBadDockerfileFails() throws Exception {
        assertThatThrownBy(() -> engine.buildDockerfile("FROM " + busybox() + "\nFROBNICATE now\n",
                Files.createDirectories(dir.resolve("context")), "localhost/kiln-build/bad:1", storage.log))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("the Dockerfile failed")
                .hasMessageContaining("Unknown instruction: \"FROBNICATE\"");
    }

    @Test
    void anUnreachableRegistryFailsInSeconds() throws Exception {
        String nowhere = "127.0.0.1:" + TestRegistry.freePort() + "/test/busybox:base";
        Instant start = Instant.now();
        assertThatThrownBy(() -> engine.buildDockerfile("FROM " + nowhere + "\nRUN true\n",
                Files.createDirectories(dir.resolve("context")), "localhost/kiln-build/nowhere:1", storage.log))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining(nowhere)
                .hasMessageContaining("connection refused");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingParentTagFails() throws Exception {
        String missing = REGISTRY.host() + "/test/busybox:no-such-tag";
        assertThatThrownBy(() -> engine.buildDockerfile("FROM " + missing + "\nRUN true\n",
                Files.createDirectories(dir.resolve("context")), "localhost/kiln-build/missing:1", storage.log))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("the Dockerfile failed")
                .hasMessageContaining(missing)
                .hasMessageContaining("manifest unknown");
        assertThatThrownBy(() -> engine.from(missing, "kiln-missing", storage.log))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("could not pull " + missing + ": ")
                .hasMessageContaining("manifest unknown");
        assertThat(storage.containerNames()).isEmpty();
    }

    @Test
    void commitsWhatComponentsWroteWithoutKilnsWorkFolder() throws Exception {
        String id;
        String workFolder;
        try (WorkingContainer c = engine.from(busybox(), "kiln-commit", storage.log)) {
            workFolder = c.target().workFolder();
            c.target().write("/srv/made.txt", "written through the mount\n".getBytes(), false);
            assertThat(c.target().exec(ExecRequest.of(List.of("sh", "-c", "echo written by a program >> /srv/made.txt"),
                    Duration.ofSeconds(30)), OutputListener.NONE).succeeded()).isTrue();
            id = c.commit("localhost/kiln-build/committed:1", storage.log);
        }
        assertThat(storage.containerNames()).isEmpty();
        assertThat(storage.imageNames()).contains("localhost/kiln-build/committed:1");
        try (WorkingContainer check = engine.from(id, "kiln-commit-check", storage.log)) {
            assertThat(check.target().read("/srv/made.txt")).asString()
                    .isEqualTo("written through the mount\nwritten by a program\n");
            assertThat(check.target().stat(workFolder)).isEmpty();
        }
    }

    @Test
    void aNameInUseFailsAndLeavesItsContainerAlone() throws Exception {
        try (WorkingContainer first = engine.from(busybox(), "kiln-taken", storage.log)) {
            assertThatThrownBy(() -> engine.from(busybox(), "kiln-taken", storage.log))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageStartingWith("could not make the working container kiln-taken from " + busybox())
                    .hasMessageContaining("already in use");
            assertThat(first.target().read("/etc/passwd")).isNotEmpty();
        }
    }

    @Test
    void pushesAndAnswersTheDigestTheRegistryHas() throws Exception {
        Path skopeo = HostPrograms.require("skopeo");
        String id = engine.buildDockerfile("FROM " + busybox() + "\nRUN echo pushed > /pushed.txt\n",
                Files.createDirectories(dir.resolve("context")), "localhost/kiln-build/push:1", storage.log);
        String reference = REGISTRY.host() + "/test/pushed:1";

        String digest = engine.push(id, reference, storage.log);

        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        StringBuilder out = new StringBuilder();
        ExecResult r = ProcessRunner.run(ExecRequest.of(List.of(skopeo.toString(), "inspect", "--tls-verify=false",
                "docker://" + reference), Duration.ofSeconds(60)), new OutputListener() {
                    @Override
                    public void stdout(String line) {
                        out.append(line).append('\n');
                    }

                    @Override
                    public void stderr(String line) {
                        out.append(line).append('\n');
                    }
                });
        assertThat(r.succeeded()).as(out.toString()).isTrue();
        assertThat(JSON.readTree(out.toString()).path("Digest").asText()).isEqualTo(digest);
    }

    @Test
    void anInterruptedProgramStopsWithinSecondsAndCloseRemovesTheContainer() throws Exception {
        WorkingContainer c = engine.from(busybox(), "kiln-sleeper", storage.log);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                c.target().exec(ExecRequest.of(List.of("sleep", "600"), null), OutputListener.NONE);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        runner.start();
        Thread.sleep(1_500);
        Instant interrupted = Instant.now();
        runner.interrupt();
        runner.join(10_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(Duration.between(interrupted, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        c.close();
        assertThat(storage.containerNames()).doesNotContain("kiln-sleeper");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 600")
                && p.info().startInstant().orElse(Instant.MIN).isAfter(interrupted.minusSeconds(5)))).isEmpty();
    }

    @Test
    void anInterruptedDockerfileBuildStopsAndLeavesNoContainer() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context"));
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                engine.buildDockerfile("FROM " + busybox() + "\nRUN sleep 600\n", context,
                        "localhost/kiln-build/long:1", storage.log);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        runner.start();
        while (storage.logLines.stream().noneMatch(l -> l.contains("RUN sleep 600")) && runner.isAlive()) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        Instant interrupted = Instant.now();
        runner.interrupt();
        runner.join(10_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(Duration.between(interrupted, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        assertThat(storage.containerNames()).isEmpty();
    }

    @Test
    void sweepsTheContainersAndBuildImagesACrashLeft() throws Exception {
        engine.from(busybox(), "kiln-left-behind", storage.log);
        engine.buildDockerfile("FROM " + busybox() + "\nRUN touch /left\n", Files.createDirectories(dir.resolve("c")),
                "localhost/kiln-build/left:1", storage.log);
        assertThat(storage.containerNames()).contains("kiln-left-behind");

        engine.sweepOrphans(storage.log);

        assertThat(storage.containerNames()).isEmpty();
        assertThat(storage.imageNames()).noneMatch(n -> n.startsWith("localhost/kiln-build/")).contains(busybox());
    }

    @Test
    void removesTheImagesThatAreThereAndNeverThrows() throws Exception {
        String id = engine.buildDockerfile("FROM " + busybox() + "\n", Files.createDirectories(dir.resolve("c")),
                "localhost/kiln-build/gone:1", storage.log);
        engine.buildDockerfile("FROM " + busybox() + "\nRUN touch /second\n", Files.createDirectories(dir.resolve("d")),
                "localhost/kiln-build/gone:2", storage.log);

        engine.removeImages(List.of("localhost/kiln-build/gone:2", "localhost/kiln-build/never-was:1",
                "localhost/kiln-build/gone:1"), storage.log);

        assertThat(storage.imageNames()).doesNotContain("localhost/kiln-build/gone:1", "localhost/kiln-build/gone:2");
        assertThat(id).isNotBlank();
    }

    @Test
    void usesOverlayAndRemembersIt() throws Exception {
        assertThat(engine.storageDriver(storage.log)).isEqualTo("overlay");
        assertThat(dir.resolve("storage/storage/kiln-storage-driver")).hasContent("overlay");
    }

    @Test
    void usesTheDriverKilnStorageDriverNames() throws Exception {
        try (TestStorage vfs = new TestStorage(dir.resolve("vfs"), Map.of("KILN_STORAGE_DRIVER", "vfs"))) {
            assertThat(vfs.engine.storageDriver(vfs.log)).isEqualTo("vfs");
            String id = vfs.engine.buildDockerfile("FROM " + busybox() + "\nRUN echo on vfs > /vfs.txt\n",
                    Files.createDirectories(dir.resolve("c")), "localhost/kiln-build/vfs:1", vfs.log);
            String committed;
            try (WorkingContainer c = vfs.engine.from(id, "kiln-vfs", vfs.log)) {
                assertThat(c.target().read("/vfs.txt")).asString().isEqualTo("on vfs\n");
                c.target().list("/", false);
                committed = c.commit("localhost/kiln-build/vfs:2", vfs.log);
            }
            assertThat(vfs.devEntries(committed)).isEmpty();
            assertThat(Files.isDirectory(dir.resolve("vfs/storage/vfs"))).isTrue();
        }
    }
}
