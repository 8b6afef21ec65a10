package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildahEngineTest {

    @TempDir
    Path dir;

    @Test
    void registriesOnLoopbackAreSpokenToOverHttp() {
        assertThat(BuildahEngine.onLoopback("127.0.0.1:5000/app:1")).isTrue();
        assertThat(BuildahEngine.onLoopback("docker://127.0.1.1/app@sha256:abc")).isTrue();
        assertThat(BuildahEngine.onLoopback("localhost:5000/team/app:1")).isTrue();
        assertThat(BuildahEngine.onLoopback("localhost/kiln-build/x:base")).isTrue();
        assertThat(BuildahEngine.onLoopback("[::1]:5000/app:1")).isTrue();
        assertThat(BuildahEngine.onLoopback("registry.example.com:5000/app:1")).isFalse();
        assertThat(BuildahEngine.onLoopback("127.0.0.1.example.com/app:1")).isFalse();
        assertThat(BuildahEngine.onLoopback("library/busybox:latest")).isFalse();
        assertThat(BuildahEngine.onLoopback("busybox")).isFalse();
    }

    @Test
    void findsTheImagesADockerfileNames() {
        assertThat(BuildahEngine.dockerfileImages("""
                # a comment FROM nothing
                FROM --platform=linux/amd64 127.0.0.1:5000/base:1 AS build
                RUN make
                  from scratch
                COPY --from=build /out /out
                COPY --from=registry.example.com/tools:2 /bin/tool /bin/
                """)).containsExactly("127.0.0.1:5000/base:1", "scratch", "build", "registry.example.com/tools:2");
    }

    @Test
    void readsTheImageIdBuildahWrote() throws Exception {
        String hex = "5796c3cfed62fad903e31d34ae4ff6667f48c0bba604cc7b1121445d4ac6e233";
        Path iid = Files.writeString(dir.resolve("iid"), "sha256:" + hex);

        assertThat(BuildahEngine.imageId(iid)).isEqualTo(hex);
        assertThatThrownBy(() -> BuildahEngine.imageId(Files.writeString(dir.resolve("bad"), "")))
                .isInstanceOf(BuildFailure.class);
    }
}
