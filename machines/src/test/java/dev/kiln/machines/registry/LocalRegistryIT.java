package dev.kiln.machines.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryIT {
    @TempDir
    Path dir;

    private final List<LocalRegistry> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(LocalRegistry::stop);
        assertThat(RegistryProcesses.under(dir)).as("docker-registry processes left").isEmpty();
    }

    @Test
    void startsAndAnswersOnAPersistedLoopbackPort() throws Exception {
        LocalRegistry registry = start(dir.resolve("registry"));

        assertThat(RegistryPing.status(registry.url(), Duration.ofSeconds(2))).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("registry/port")).strip()).isEqualTo(String.valueOf(registry.port()));
        assertThat(Files.readString(dir.resolve("registry/pid")).strip()).isEqualTo(String.valueOf(registry.pid()));
        assertThat(dir.resolve("registry/config.yml")).content().contains("addr: 127.0.0.1:" + registry.port());
    }

    @Test
    void anImagePushedBeforeAStopIsThereAfterTheNextStartOnTheSamePort() throws Exception {
        LocalRegistry first = start(dir.resolve("registry"));
        String digest = TinyImage.push(first.url(), "kiln/hello", "1.0.0-1", "hello", null);
        int port = first.port();
        first.stop();
        assertThat(RegistryPing.answers(first.url(), Duration.ofSeconds(1))).isFalse();
        assertThat(dir.resolve("registry/pid")).doesNotExist();

        LocalRegistry second = start(dir.resolve("registry"));

        assertThat(second.port()).isEqualTo(port);
        assertThat(TinyImage.manifestStatus(second.url(), "kiln/hello", "1.0.0-1")).isEqualTo(200);
        assertThat(TinyImage.manifestStatus(second.url(), "kiln/hello", digest)).isEqualTo(200);
    }

    @Test
    void aKilledRegistryIsRestartedBySupervision() throws Exception {
        LocalRegistry registry = start(dir.resolve("registry"));
        long pid = registry.pid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Path log = dir.resolve("registry/registry.log");
        while (registry.pid() == pid || registry.pid() < 0 || !Files.readString(log).contains("restarted;")) {
            assertThat(System.nanoTime()).as("restarted within 15 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(RegistryPing.status(registry.url(), Duration.ofSeconds(2))).isEqualTo(200);
        assertThat(log).content()
                .contains("(pid " + pid + ") exited unexpectedly", "restarted; it answers on " + registry.host());
        assertThat(Files.readString(dir.resolve("registry/pid")).strip()).isEqualTo(String.valueOf(registry.pid()));
    }

    @Test
    void aPersistedPortTakenByAnotherProgramFailsNamingPortAndFile() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("registry"));
        try (ServerSocket squatter = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            LocalRegistry.writePort(folder, squatter.getLocalPort());
            LocalRegistry registry = new LocalRegistry(folder);

            assertThatThrownBy(registry::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + squatter.getLocalPort())
                    .hasMessageContaining(folder.resolve("port").toString())
                    .hasMessageContaining("another program");
            assertThat(registry.running()).isFalse();
        }
    }

    @Test
    void stopIsIdempotentAndLeavesNoProcess() throws Exception {
        LocalRegistry registry = start(dir.resolve("registry"));
        long pid = registry.pid();

        registry.stop();
        registry.stop();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(registry.running()).isFalse();
        assertThat(dir.resolve("registry/registry.log")).content().contains("stopped");
    }

    private LocalRegistry start(Path folder) throws Exception {
        LocalRegistry r = new LocalRegistry(folder);
        started.add(r);
        r.start();
        return r;
    }
}
