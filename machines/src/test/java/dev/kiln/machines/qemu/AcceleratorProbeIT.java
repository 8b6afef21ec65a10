package dev.kiln.machines.qemu;

import dev.kiln.core.log.BuildLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.machines.TestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceleratorProbeIT {
    @TempDir
    Path work;

    @Test
    void tcgBootsTheTinyVmAndSeesTheMarker() throws Exception {
        long start = System.nanoTime();
        assertThat(Accelerator.TCG.bootsTinyVm(TestCache.debian().vmlinux(), work, Duration.ofSeconds(60),
                TestCache.LOG)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        try (var left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void probeFallsBackToTcgWithAWarningWhenKvmCannotBootTheKernel() throws Exception {
        List<String> lines = new ArrayList<>();
        Accelerator a = Accelerator.probe(null, TestCache.debian().vmlinux(), work,
                dev.kiln.core.log.BuildLog.discarding(java.time.Clock.systemUTC()).follow(System.out::println).follow(lines::add));
        String cpu = Files.readString(Path.of("/proc/cpuinfo"));
        boolean hardwareVirtualisation = cpu.contains(" vmx") || cpu.contains(" svm");
        if (!hardwareVirtualisation) {
            // This project's machines: /dev/kvm comes from PVM, under which stock kernels never boot.
            assertThat(a).isEqualTo(Accelerator.TCG);
            assertThat(lines).anyMatch(l -> l.contains("warning: VMs run under TCG"));
        }
        assertThat(lines).anyMatch(l -> l.contains("accelerator: KVM") || l.contains("warning: VMs run under TCG"));
    }

    @Test
    void environmentForcesTheAcceleratorWithoutProbing() {
        List<String> lines = new ArrayList<>();
        var log = dev.kiln.core.log.BuildLog.discarding(java.time.Clock.systemUTC()).follow(System.out::println).follow(lines::add);
        assertThat(Accelerator.probe("tcg", Path.of("/nonexistent"), work, log)).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.probe("KVM", Path.of("/nonexistent"), work, log)).isEqualTo(Accelerator.KVM);
        assertThat(lines).noneMatch(l -> l.contains("probe VM"));
    }
}
