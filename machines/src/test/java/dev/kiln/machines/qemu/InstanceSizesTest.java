package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.machines.qemu.InstanceSizes.Size;
import org.junit.jupiter.api.Test;

class InstanceSizesTest {
    private static final int CORES = 64;
    private static final long MEMORY = 1 << 20; // 1 TiB: nothing capped

    @Test
    void burstableFamiliesFollowAws() {
        assertThat(InstanceSizes.of("t3.nano", CORES, MEMORY)).isEqualTo(new Size(2, 512));
        assertThat(InstanceSizes.of("t3.micro", CORES, MEMORY)).isEqualTo(new Size(2, 1024));
        assertThat(InstanceSizes.of("t3a.small", CORES, MEMORY)).isEqualTo(new Size(2, 2048));
        assertThat(InstanceSizes.of("t3.medium", CORES, MEMORY)).isEqualTo(new Size(2, 4096));
        assertThat(InstanceSizes.of("t3.large", CORES, MEMORY)).isEqualTo(new Size(2, 8192));
        assertThat(InstanceSizes.of("t3.xlarge", CORES, MEMORY)).isEqualTo(new Size(4, 16384));
        assertThat(InstanceSizes.of("t3.2xlarge", CORES, MEMORY)).isEqualTo(new Size(8, 32768));
        assertThat(InstanceSizes.of("t2.micro", CORES, MEMORY)).isEqualTo(new Size(1, 1024));
        assertThat(InstanceSizes.of("t2.medium", CORES, MEMORY)).isEqualTo(new Size(2, 4096));
    }

    @Test
    void computeAndMemoryFamiliesHaveTheirRatio() {
        assertThat(InstanceSizes.of("m5.large", CORES, MEMORY)).isEqualTo(new Size(2, 8192));
        assertThat(InstanceSizes.of("c5.large", CORES, MEMORY)).isEqualTo(new Size(2, 4096));
        assertThat(InstanceSizes.of("c5.2xlarge", CORES, MEMORY)).isEqualTo(new Size(8, 16384));
        assertThat(InstanceSizes.of("r5.xlarge", CORES, MEMORY)).isEqualTo(new Size(4, 32768));
    }

    @Test
    void unknownFamiliesAreSizedBySuffix() {
        assertThat(InstanceSizes.of("x9z.micro", CORES, MEMORY)).isEqualTo(new Size(2, 1024));
        assertThat(InstanceSizes.of("m7g.4xlarge", CORES, MEMORY)).isEqualTo(new Size(16, 65536));
        assertThat(InstanceSizes.of("M5.LARGE", CORES, MEMORY)).isEqualTo(new Size(2, 8192));
    }

    @Test
    void capsAtHostCoresAndHalfTheHostMemory() {
        assertThat(InstanceSizes.of("m5.4xlarge", 2, 24_000)).isEqualTo(new Size(2, 12_000));
        assertThat(InstanceSizes.of("t2.nano", 2, 600)).isEqualTo(new Size(1, 512));
    }

    @Test
    void rejectsWhatIsNoInstanceType() {
        assertThat(InstanceSizes.isKnown("kiln.sandbox")).isFalse();
        assertThat(InstanceSizes.isKnown("t3")).isFalse();
        assertThat(InstanceSizes.isKnown("t3.huge")).isFalse();
        assertThat(InstanceSizes.isKnown("t3.micro")).isTrue();
        assertThatThrownBy(() -> InstanceSizes.of("banana", CORES, MEMORY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t3.micro");
    }

    @Test
    void thisHostGivesAtLeastOneCpuAndHalfAGigabyte() {
        Size s = InstanceSizes.of("m5.24xlarge");
        assertThat(s.vcpus()).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(s.memoryMiB()).isGreaterThanOrEqualTo(512);
    }
}
