package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostMountsTest {

    @Test
    void readsEscapedPathsInTheMountTable() {
        assertThat(HostMounts.unescape("/tmp/a\\040b\\134c")).isEqualTo("/tmp/a b\\c");
        assertThat(HostMounts.unescape("/plain\\04")).isEqualTo("/plain\\04");
    }

    @Test
    void knowsARootMountFromAFolder() {
        assertThat(HostMounts.isMountPoint(Path.of("/proc"))).isTrue();
        assertThat(HostMounts.isMountPoint(Path.of("/proc/self"))).isFalse();
    }
}
