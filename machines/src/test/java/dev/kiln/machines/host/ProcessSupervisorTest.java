package dev.kiln.machines.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.wait.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSupervisorTest {
    private static final ProcessSupervisor.Timing FAST = new ProcessSupervisor.Timing(Duration.ofMillis(500),
            Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1));

    @TempDir
    Path dir;

    private final List<String> notes = new CopyOnWriteArrayList<>();
    private ProcessSupervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.stop();
        }
    }

    @Test
    void startsInTheFolderWritesThePidFileAndStopsInOrder() throws Exception {
        supervisor = new ProcessSupervisor("sleeper", dir.resolve("pid"), notes::add, FAST);
        Path log = dir.resolve("out.log");

        assertThat(supervisor.start(() -> supervisor.launch(() -> command(log, "pwd; echo up; exec sleep 30"),
                ready(log, "up")), () -> { }, "test-supervisor")).isTrue();

        long pid = supervisor.pid();
        assertThat(pid).isPositive();
        assertThat(supervisor.running()).isTrue();
        assertThat(Files.readString(dir.resolve("pid")).strip()).isEqualTo(Long.toString(pid));
        assertThat(Files.readString(log)).startsWith(dir.toRealPath() + "\nup");
        assertThat(supervisor.start(() -> { throw new AssertionError("started twice"); }, () -> { }, "again"))
                .isFalse();

        assertThat(supervisor.stop()).isTrue();
        assertThat(supervisor.stop()).isFalse();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(supervisor.running()).isFalse();
        assertThat(supervisor.pid()).isEqualTo(-1);
        assertThat(dir.resolve("pid")).doesNotExist();
        assertThat(notes).containsExactly("stopped sleeper (pid " + pid + ")");
    }

    @Test
    void aProgramThatDiesBeforeItIsReadyFailsAtOnceWithItsLastLines() {
        supervisor = new ProcessSupervisor("crasher", dir.resolve("pid"), notes::add, FAST);
        Path log = dir.resolve("out.log");
        long start = System.nanoTime();

        assertThatThrownBy(() -> supervisor.start(() -> supervisor.launch(
                () -> command(log, "echo 'cannot bind: address already in use'; exit 3"),
                p -> ready(log, "never").apply(p).within(Duration.ofSeconds(30))), () -> { }, "test-supervisor"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("it exited with code 3")
                .hasMessageContaining("address already in use");

        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(supervisor.running()).isFalse();
        assertThat(dir.resolve("pid")).doesNotExist();
    }

    @Test
    void aProgramNotReadyInTimeIsKilledWithItsChildren() throws Exception {
        supervisor = new ProcessSupervisor("slow", dir.resolve("pid"), notes::add, FAST);
        Path log = dir.resolve("out.log");
        Process[] started = new Process[1];

        assertThatThrownBy(() -> supervisor.start(() -> started[0] = supervisor.launch(
                () -> command(log, "trap '' TERM; sleep 30 & echo child $!; wait"),
                p -> ready(log, "never").apply(p).within(Duration.ofMillis(300))), () -> { }, "test-supervisor"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("after 300 ms");

        assertThat(supervisor.running()).isFalse();
        assertThat(dir.resolve("pid")).doesNotExist();
        String childLine = Files.readAllLines(log).stream().filter(l -> l.startsWith("child ")).findFirst()
                .orElseThrow();
        long child = Long.parseLong(childLine.substring("child ".length()));
        awaitGone(child);
    }

    @Test
    void anUnexpectedExitIsNotedAndRestartedAfterABackoff() throws Exception {
        supervisor = new ProcessSupervisor("flaky", dir.resolve("pid"), notes::add, FAST);
        Path log = dir.resolve("out.log");
        AtomicInteger restarts = new AtomicInteger();
        supervisor.start(() -> supervisor.launch(() -> command(log, "echo up; exec sleep 30"), ready(log, "up")),
                () -> {
                    restarts.incrementAndGet();
                    supervisor.launch(() -> command(log, "echo again; exec sleep 30"), ready(log, "again"));
                }, "test-supervisor");
        long first = supervisor.pid();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        Wait.until("a restart", () -> supervisor.pid() > 0 && supervisor.pid() != first)
                .within(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).await();
        assertThat(restarts).hasValue(1);
        assertThat(supervisor.running()).isTrue();
        assertThat(notes.get(0)).startsWith("flaky (pid " + first + ") exited unexpectedly with code ")
                .endsWith("; restarting it in 0.05 s");
        assertThat(Files.readString(dir.resolve("pid")).strip()).isEqualTo(Long.toString(supervisor.pid()));
    }

    @Test
    void aFailedRestartIsNotedAndTriedAgainWithAGrowingPause() throws Exception {
        supervisor = new ProcessSupervisor("broken", null, notes::add, FAST);
        Path log = dir.resolve("out.log");
        AtomicInteger restarts = new AtomicInteger();
        supervisor.start(() -> supervisor.launch(() -> command(log, "echo up; exec sleep 30"), ready(log, "up")),
                () -> {
                    if (restarts.incrementAndGet() < 3) {
                        throw new IOException("port taken");
                    }
                    supervisor.launch(() -> command(log, "echo again; exec sleep 30"), ready(log, "again"));
                }, "test-supervisor");
        long first = supervisor.pid();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        Wait.until("the third restart", () -> supervisor.pid() > 0 && supervisor.pid() != first)
                .within(Duration.ofSeconds(10)).every(Duration.ofMillis(20)).await();
        assertThat(notes).startsWith(notes.get(0),
                "restart failed, trying again in 0.1 s: port taken",
                "restart failed, trying again in 0.2 s: port taken");
    }

    @Test
    void stoppingWhileAStartIsUnderWayStopsTheRestartToo() throws Exception {
        supervisor = new ProcessSupervisor("late", null, notes::add, FAST);
        Path log = dir.resolve("out.log");
        supervisor.start(() -> supervisor.launch(() -> command(log, "echo up; exec sleep 30"), ready(log, "up")),
                () -> supervisor.launch(() -> command(log, "exec sleep 30"), ready(log, "never")), "test-supervisor");
        long first = supervisor.pid();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        Thread.sleep(150);

        supervisor.stop();

        assertThat(supervisor.pid()).isEqualTo(-1);
        assertThatThrownBy(() -> supervisor.launch(() -> command(log, "exec sleep 30"), ready(log, "up")))
                .hasMessage("stopped");
    }

    @Test
    void dropsTheVariablesItMustNotInherit() throws Exception {
        supervisor = new ProcessSupervisor("env", null, notes::add, FAST);
        Path log = dir.resolve("out.log");
        supervisor.start(() -> supervisor.launch(() -> new ProcessSupervisor.Command(
                        List.of("sh", "-c", "echo \"home=${HOME-unset}\"; exec sleep 30"), dir, log,
                        name -> name.equals("HOME")), ready(log, "home=")), () -> { }, "test-supervisor");

        assertThat(Files.readString(log)).contains("home=unset");
    }

    @Test
    void anOrphanIsTerminatedByItsHandle() throws Exception {
        Process orphan = new ProcessBuilder("sh", "-c", "trap '' TERM; while :; do sleep 0.05; done").start();

        ProcessSupervisor.terminate(orphan.toHandle(), Duration.ofMillis(300));

        assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
    }

    private ProcessSupervisor.Command command(Path log, String script) {
        return new ProcessSupervisor.Command(List.of("sh", "-c", script), dir, log, null);
    }

    private static Function<Process, Wait> ready(Path log, String line) {
        return p -> Wait.until("the program to say " + line, () -> Files.exists(log)
                        && Files.readString(log).contains(line))
                .within(Duration.ofSeconds(10)).every(Duration.ofMillis(20))
                .whileAlive(p::isAlive, () -> "it exited with code " + p.exitValue())
                .diagnosis(() -> {
                    try {
                        return "its output:\n" + Files.readString(log);
                    } catch (IOException e) {
                        return "";
                    }
                });
    }

    private static void awaitGone(long pid) throws Exception {
        Wait.until("process " + pid + " to be gone",
                        () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true))
                .within(Duration.ofSeconds(5)).every(Duration.ofMillis(20)).await();
    }
}
