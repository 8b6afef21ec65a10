package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxBackendTest {

    @TempDir
    Path dir;

    @Test
    void servesOnlyTheSandboxInstanceType() {
        SandboxBackend backend = new SandboxBackend(new RootTrees(dir));
        assertThat(backend.serves("kiln.sandbox")).isTrue();
        assertThat(backend.serves("t3.micro")).isFalse();
        assertThat(backend.serves(null)).isFalse();
    }

    @Test
    void refusesToLaunchAnotherInstanceType() {
        MachineImage image = MachineImage.builder().setImageId("ami-0123456789abcdef0").setRegion("us-east-1")
                .setName("n").setDescription("").setOwnerId("aws").setCreationDate(Instant.now())
                .setState("available").setRootVolumeSizeGiB(1).setDiskSha256("abc").setBoot(Boot.firmware())
                .build();
        InstanceRequest request = new InstanceRequest("i-0123456789abcdef0", image, "m5.large", null,
                dir.resolve("i"), Duration.ofSeconds(10));
        assertThatThrownBy(() -> new SandboxBackend(new RootTrees(dir)).launch(request,
                BuildLog.discarding(Clock.systemUTC())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not m5.large");
    }

    @Test
    void findsNoHolderFolderInAnOrdinaryProcess() {
        assertThat(SandboxBackend.holderFolder(ProcessHandle.current().pid())).isNull();
    }
}
