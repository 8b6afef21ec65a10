package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.container.WorkingContainer;
import dev.kiln.toe.run.DocumentInput;
import dev.kiln.toe.run.RunListener;
import dev.kiln.toe.run.RunRequest;
import dev.kiln.toe.run.RunSummary;
import dev.kiln.toe.run.ToeRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The component engine's view of a working container: programs as a Dockerfile RUN line would run
 * them (the image's ENV, WORKDIR and USER), files through the container's mount.
 */
class ContainerTargetIT {

    @RegisterExtension
    static final BusyboxRegistry REGISTRY = new BusyboxRegistry();

    @TempDir
    Path dir;
    private TestStorage storage;
    private WorkingContainer container;
    private Target target;

    @BeforeEach
    void workingContainer() throws Exception {
        storage = new TestStorage(dir.resolve("storage"));
        String image = storage.engine.buildDockerfile("""
                FROM %s
                ENV GREETING=hi
                WORKDIR /srv/app
                RUN chown app:app /srv/app
                USER app
                """.formatted(busybox()), Files.createDirectories(dir.resolve("context")),
                "localhost/kiln-build/target:1", storage.log);
        container = storage.engine.from(image, "kiln-target", storage.log);
        target = container.target();
    }

    @AfterEach
    void remove() throws Exception {
        container.close();
        storage.close();
    }

    private static String busybox() {
        return REGISTRY.busybox();
    }

    @Test
    void runsProgramsWithTheImagesEnvironmentFolderAndUser() throws Exception {
        List<String> out = new CopyOnWriteArrayList<>();
        ExecResult result = target.exec(ExecRequest.of(List.of("sh", "-c", "pwd; echo $GREETING; id -un"),
                Duration.ofSeconds(30)), lines(out));

        assertThat(result.succeeded()).isTrue();
        assertThat(out).containsExactly("/srv/app", "hi", "app");
    }

    @Test
    void runsProgramsWithTheRequestsEnvironmentAndFolder() throws Exception {
        List<String> out = new CopyOnWriteArrayList<>();
        ExecResult result = target.exec(new ExecRequest(List.of("sh", "-c", "pwd; echo $GREETING; exit 7"),
                Map.of("GREETING", "hello"), "/tmp", Duration.ofSeconds(30)), lines(out));

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(out).containsExactly("/tmp", "hello");
    }

    @Test
    void readsWritesAndListsFilesThatProgramsSee() throws Exception {
        byte[] data = {0, 1, (byte) 0xff, '\r', '\n'};
        target.createFolders("/srv/data/deep");
        target.write("/srv/data/bytes", data, false);
        target.write("/srv/data/bytes", new byte[] {'x'}, true);
        target.copy("/srv/data/bytes", "/srv/data/deep/copy", false);
        target.createSymlink("/srv/data/link", "bytes", false);

        assertThat(target.read("/srv/data/bytes")).containsExactly(0, 1, 0xff, '\r', '\n', 'x');
        assertThat(target.stat("/srv/data/bytes")).get().extracting(FileInfo::size, FileInfo::owner)
                .containsExactly(6L, "root");
        assertThat(target.list("/srv/data", true)).extracting(FileInfo::path)
                .containsExactlyInAnyOrder("/srv/data/bytes", "/srv/data/deep", "/srv/data/deep/copy", "/srv/data/link");
        List<String> out = new CopyOnWriteArrayList<>();
        target.exec(ExecRequest.of(List.of("wc", "-c", "/srv/data/link"), Duration.ofSeconds(30)), lines(out));
        assertThat(out).containsExactly("6 /srv/data/link");

        target.delete("/srv/data", true);
        assertThat(target.stat("/srv/data")).isEmpty();
    }

    @Test
    void seesWhatProgramsWrote() throws Exception {
        target.exec(ExecRequest.of(List.of("sh", "-c", "echo from a program > /tmp/made"), Duration.ofSeconds(30)),
                OutputListener.NONE);

        assertThat(target.read("/tmp/made")).asString().isEqualTo("from a program\n");
        assertThat(target.stat("/tmp/made")).get().extracting(FileInfo::owner).isEqualTo("app");
    }

    @Test
    void fileScriptsSeeTheHostsDevButLeaveNothingInTheImagesDev() throws Exception {
        target.list("/srv", false);
        target.write("/tmp/x", new byte[0], false);
        assertThat(target.stat("/dev/null")).get().extracting(FileInfo::type).isEqualTo(FileInfo.Type.OTHER);

        String id = container.commit("localhost/kiln-build/dev:1", storage.log);

        assertThat(storage.devEntries(id)).isEmpty();
        assertThat(target.stat("/dev/null")).get().extracting(FileInfo::type).isEqualTo(FileInfo.Type.OTHER);
    }

    @Test
    void givesTheWorkFolderToTheImagesUser() throws Exception {
        String folder = target.workFolder();

        assertThat(target.stat(folder)).get().extracting(FileInfo::owner, FileInfo::isFolder)
                .containsExactly("app", true);
    }

    @Test
    void aRebootResumesAtOnce() throws Exception {
        target.write("/tmp/kept", "kept".getBytes(), false);
        Instant start = Instant.now();

        assertThat(target.reboot(Duration.ofMinutes(5))).isEqualTo(Target.RebootOutcome.RESUMED);

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
        assertThat(target.read("/tmp/kept")).asString().isEqualTo("kept");
        assertThat(storage.logLines).anyMatch(l -> l.contains("reboot asked for in container kiln-target"));
    }

    @Test
    void runsAComponentDocument() throws Exception {
        String yaml = """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Write
                        action: ExecuteBash
                        inputs:
                          commands:
                            - echo "building as $(id -un) in $PWD with $GREETING"
                            - echo made > /srv/app/component.txt
                      - name: Reboot
                        action: Reboot
                      - name: Check
                        action: ExecuteBash
                        inputs:
                          commands:
                            - cat /srv/app/component.txt
                """;
        List<String> output = new CopyOnWriteArrayList<>();
        RunSummary summary = new ToeRunner(target, new RunListener() {
            @Override
            public void stepOutput(String line, boolean error, int depth) {
                output.add(line);
            }
        }, Map.of()).run(new RunRequest(List.of(new DocumentInput("component.yaml", yaml, Map.of())), List.of(),
                Map.of(), Map.of(), null, dir.resolve("toe-logs"), dir.resolve("toe-state")));

        assertThat(summary.succeeded()).as(summary.failureMessage()).isTrue();
        assertThat(output).contains("building as app in /srv/app with hi", "made");
        assertThat(target.read("/srv/app/component.txt")).asString().isEqualTo("made\n");
    }

    @Test
    void programsSeeWhatBuildahRunGivesThemAsTheImagesUser() throws Exception {
        assertSameAsBuildahRun(container, "uid=1000(app) gid=1000(app)");
    }

    @Test
    void programsSeeWhatBuildahRunGivesThemAsRoot() throws Exception {
        try (WorkingContainer root = storage.engine.from(busybox(), "kiln-root", storage.log)) {
            assertSameAsBuildahRun(root, "uid=0(root) gid=0(root)");
        }
    }

    /** What a program sees, through the holder and through a buildah run of its own, must not differ. */
    private void assertSameAsBuildahRun(WorkingContainer c, String id) throws Exception {
        String script = """
                env | sort; id; pwd; cat /etc/hostname; hostname; cat /etc/hosts /etc/resolv.conf
                for ns in net ipc pid cgroup; do readlink /proc/self/ns/$ns; done
                ls /proc/self >/dev/null && echo proc works
                ls -d /dev/pts /dev/shm /sys/kernel /run/.containerenv; ls /dev
                grep -E '^(Uid|Gid|Groups|Cap|NoNewPrivs|Umask)' /proc/self/status; cat /proc/self/limits; umask
                """;
        List<String> entered = new CopyOnWriteArrayList<>();
        ExecResult result = c.target().exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(30)),
                lines(entered));
        String plain = storage.buildah("run", "--isolation", "chroot", "--network", "host", c.name(), "--",
                "sh", "-c", script);

        assertThat(result.succeeded()).as(String.join("\n", entered)).isTrue();
        assertThat(((ContainerTarget) c.target()).holderPid()).as("a held buildah run").isPresent();
        assertThat(String.join("\n", entered)).isEqualTo(plain.strip());
        assertThat(entered).anyMatch(l -> l.startsWith(id)).contains("proc works",
                Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString())
                .anyMatch(l -> l.startsWith("nameserver"));
    }

    @Test
    void filesProgramsWriteAreCommittedAndNoHolderIsLeft() throws Exception {
        run("echo before > /srv/app/made");
        assertThat(holders("kiln-target")).isNotEmpty();

        String id = container.commit("localhost/kiln-build/held:1", storage.log);

        assertThat(holders("kiln-target")).isEmpty();
        run("echo after >> /srv/app/made");
        assertThat(holders("kiln-target")).isNotEmpty();
        container.close();
        assertThat(holders("kiln-target")).isEmpty();
        try (WorkingContainer check = storage.engine.from(id, "kiln-check", storage.log)) {
            assertThat(check.target().read("/srv/app/made")).asString().isEqualTo("before\n");
        }
        assertThat(holders("kiln-check")).isEmpty();
    }

    @Test
    void leavesInTheContainerWhatABuildahRunLeaves() throws Exception {
        try (WorkingContainer held = storage.engine.from(busybox(), "kiln-held", storage.log);
             WorkingContainer plain = storage.engine.from(busybox(), "kiln-plain", storage.log)) {
            held.target().exec(ExecRequest.of(List.of("true"), Duration.ofSeconds(30)), OutputListener.NONE);
            held.target().exec(ExecRequest.of(List.of("true"), Duration.ofSeconds(30)), OutputListener.NONE);
            ((ContainerTarget) held.target()).stopHolder();
            storage.buildah("run", "--isolation", "chroot", "--network", "host", "kiln-plain", "--", "true");

            assertThat(storage.upperLayer(held.name())).isNotEmpty()
                    .isEqualTo(storage.upperLayer(plain.name()));
        }
    }

    @Test
    void anInterruptedProgramAndAllItStartedStopWithinSeconds() throws Exception {
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                target.exec(ExecRequest.of(List.of("sh", "-c", "sleep 613 & sleep 614; wait"), null),
                        OutputListener.NONE);
            } catch (Throwable t) {
                ended.set(t);
            }
        });
        runner.start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (processes("sleep", "614").isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(processes("sleep", "613")).hasSize(1);
        Instant interrupted = Instant.now();
        runner.interrupt();
        runner.join(10_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(Duration.between(interrupted, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        assertThat(processes("sleep", "613")).isEmpty();
        assertThat(processes("sleep", "614")).isEmpty();
    }

    @Test
    void aProgramPastItsTimeoutIsStopped() throws Exception {
        ExecResult result = target.exec(ExecRequest.of(List.of("sleep", "615"), Duration.ofSeconds(1)),
                OutputListener.NONE);

        assertThat(result.timedOut()).isTrue();
        assertThat(processes("sleep", "615")).isEmpty();
    }

    @Test
    void runsProgramsThroughBuildahRunWhenTheImageHasNoShell() throws Exception {
        Path context = Files.createDirectories(dir.resolve("no-shell/rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"));
        String image = storage.engine.buildDockerfile("FROM scratch\nCOPY rootfs/ /\n",
                context.getParent().getParent(), "localhost/kiln-build/no-shell:1", storage.log);
        try (WorkingContainer bare = storage.engine.from(image, "kiln-bare", storage.log)) {
            List<String> out = new CopyOnWriteArrayList<>();
            for (String word : List.of("one", "two")) {
                assertThat(bare.target().exec(ExecRequest.of(List.of("/bin/busybox", "echo", word),
                        Duration.ofSeconds(30)), lines(out)).succeeded()).isTrue();
            }

            assertThat(out).containsExactly("one", "two");
            assertThat(storage.logLines).filteredOn(l -> l.contains("run through a buildah run each")).hasSize(1);
        }
    }

    private void run(String script) throws Exception {
        List<String> out = new CopyOnWriteArrayList<>();
        ExecResult r = target.exec(ExecRequest.of(List.of("sh", "-c", script), Duration.ofSeconds(30)), lines(out));
        assertThat(r.succeeded()).as(String.join("\n", out)).isTrue();
    }

    /** Every process of a container's holder (buildah's and the shell), by the marker on their command lines. */
    private static List<Long> holders(String container) throws Exception {
        return processes(args -> args.stream().anyMatch(a -> a.startsWith(Holder.MARKER_PREFIX + container + "-")));
    }

    /** Processes whose arguments are exactly these. */
    private static List<Long> processes(String... argv) throws Exception {
        return processes(args -> args.equals(List.of(argv)));
    }

    private static List<Long> processes(Predicate<List<String>> matching) throws Exception {
        List<Long> pids = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (matching.test(HeldProcess.nulSeparated(Files.readAllBytes(d.resolve("cmdline"))))) {
                        pids.add(Long.parseLong(d.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            }
        }
        return pids;
    }

    private static OutputListener lines(List<String> out) {
        return new OutputListener() {
            @Override
            public void stdout(String line) {
                out.add(line);
            }

            @Override
            public void stderr(String line) {
                out.add("stderr: " + line);
            }
        };
    }
}
