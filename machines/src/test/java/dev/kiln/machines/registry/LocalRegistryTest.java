package dev.kiln.machines.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {
    @TempDir
    Path dir;

    @Test
    void configListensOnLoopbackAndKeepsBlobsInTheFolder() {
        String config = LocalRegistry.config(Path.of("/data/regions/us-east-1/registry"), 41234, "s3cr3t");

        assertThat(config).contains("version: 0.1\n", "  addr: 127.0.0.1:41234\n",
                "    rootdirectory: \"/data/regions/us-east-1/registry/data\"\n",
                "  delete:\n    enabled: true\n", "  level: warn\n", "  secret: \"s3cr3t\"\n");
        assertThat(config).doesNotContain("auth", ":5000");
    }

    @Test
    void configQuotesAwkwardPaths() {
        assertThat(LocalRegistry.config(Path.of("/d/a \"b\"\\c"), 1, "x"))
                .contains("rootdirectory: \"/d/a \\\"b\\\"\\\\c/data\"");
    }

    @Test
    void portIsPersistedAndReadBack() throws IOException {
        assertThat(LocalRegistry.readPort(dir)).isZero();

        LocalRegistry.writePort(dir, 40001);

        assertThat(Files.readString(dir.resolve("port"))).isEqualTo("40001\n");
        assertThat(LocalRegistry.readPort(dir)).isEqualTo(40001);
    }

    @Test
    void garbledPortFileNamesTheFile() throws IOException {
        Files.writeString(dir.resolve("port"), "http\n");

        assertThatThrownBy(() -> LocalRegistry.readPort(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("port").toString()).hasMessageContaining("'http'");
    }

    @Test
    void pidFileOfAnotherProgramIsNoOrphan() throws IOException {
        Files.writeString(dir.resolve("pid"), ProcessHandle.current().pid() + "\n");

        assertThat(LocalRegistry.orphanPid(dir)).isEmpty();
    }

    @Test
    void pidFileOfAGoneProcessIsNoOrphan() throws IOException {
        Files.writeString(dir.resolve("pid"), "999999999\n");

        assertThat(LocalRegistry.orphanPid(dir)).isEmpty();
    }

    @Test
    void portHeldBySomeoneIsNotFree() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            assertThat(LocalRegistry.portFree(s.getLocalPort())).isFalse();
        }
    }
}
