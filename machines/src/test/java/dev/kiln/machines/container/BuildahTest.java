package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ExecResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildahTest {

    @Test
    void everyCallHasTheStorageFlagsAndTheEnvironment() {
        Buildah b = new Buildah(Path.of("/usr/bin/buildah"), Path.of("/usr/bin/env"), Path.of("/s"), Path.of("/r"),
                "overlay", Map.of("REGISTRY_AUTH_FILE", "/a.json", "CONTAINERS_REGISTRIES_CONF", "/r.conf"));

        assertThat(b.command(List.of("images"))).containsExactly("/usr/bin/env", "CONTAINERS_REGISTRIES_CONF=/r.conf",
                "REGISTRY_AUTH_FILE=/a.json", "/usr/bin/buildah", "--root", "/s", "--runroot", "/r",
                "--storage-driver", "overlay", "images");
        assertThat(new Buildah(Path.of("/usr/bin/buildah"), Path.of("/usr/bin/env"), Path.of("/s"), Path.of("/r"),
                "vfs", Map.of()).command(List.of("images")).get(0)).isEqualTo("/usr/bin/buildah");
        assertThatThrownBy(() -> new Buildah(Path.of("b"), Path.of("e"), Path.of("/s"), Path.of("/r"), "vfs",
                Map.of("-u", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailureSaysWhatFailedThenBuildahsErrorThenItsLastLines() {
        Buildah.Output out = new Buildah.Output(new ExecResult(125, false), List.of(),
                List.of("STEP 1/2: FROM 127.0.0.1:1/x:1", "Error: creating build container: connection refused"));

        assertThat(Buildah.failureMessage("the Dockerfile failed", out, Duration.ofHours(1))).isEqualTo("""
                the Dockerfile failed: creating build container: connection refused
                buildah's last lines:
                STEP 1/2: FROM 127.0.0.1:1/x:1
                Error: creating build container: connection refused""");
        assertThat(Buildah.failureMessage("could not push x", new Buildah.Output(new ExecResult(-1, true), List.of(),
                List.of()), Duration.ofMinutes(30))).isEqualTo(
                "could not push x: buildah did not finish within 30 min and was stopped");
    }
}
