package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.machines.TestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuBackendIT {
    @TempDir
    Path builds;

    @Test
    void servesEc2TypesButNotSandboxes() {
        QemuBackend backend = new QemuBackend(Accelerator.TCG);
        assertThat(backend.serves("t3.micro")).isTrue();
        assertThat(backend.serves("c5.4xlarge")).isTrue();
        assertThat(backend.serves("kiln.sandbox")).isFalse();
        assertThat(backend.serves("nonsense")).isFalse();
    }

    @Test
    void sweepKillsAnOrphanedQemuAndRemovesItsFolder() throws Exception {
        Path folder = builds.resolve("us-east-1/123/recipe/1.0.0/1/instances/i-0000000000000000a");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(QemuInstance.MARKER_FILE), "i-0000000000000000a\n");
        Path pidFile = folder.resolve(QemuInstance.PID_FILE);
        // A VM without a disk idles in its firmware: a stand-in for one whose Kiln died.
        Process orphan = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "64M",
                "-nodefaults", "-display", "none", "-monitor", "none", "-pidfile", pidFile.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(pidFile); i++) {
                Thread.sleep(100);
            }
            assertThat(pidFile).exists();
            Path stale = builds.resolve("us-east-1/123/recipe/1.0.0/2/instances/i-0000000000000000b");
            Files.createDirectories(stale);
            Files.writeString(stale.resolve(QemuInstance.MARKER_FILE), "i-0000000000000000b\n");
            Path other = Files.createDirectories(builds.resolve("us-east-1/123/recipe/1.0.0/2/logs"));

            new QemuBackend(Accelerator.TCG, builds).sweepOrphans(TestCache.LOG);

            assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(folder).doesNotExist();
            assertThat(stale).doesNotExist();
            assertThat(other).exists();
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void sweepLeavesAPidThatIsNotQemuAlone() throws Exception {
        Path folder = Files.createDirectories(builds.resolve("i-0000000000000000c"));
        Files.writeString(folder.resolve(QemuInstance.MARKER_FILE), "i-0000000000000000c\n");
        Process sleeper = new ProcessBuilder(List.of("sleep", "60")).start();
        try {
            Files.writeString(folder.resolve(QemuInstance.PID_FILE), sleeper.pid() + "\n");
            new QemuBackend(Accelerator.TCG).sweepOrphans(builds, TestCache.LOG);
            assertThat(sleeper.waitFor(Duration.ofMillis(300).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isFalse();
            assertThat(folder).doesNotExist();
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
