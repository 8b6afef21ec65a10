package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDriversTest {

    @TempDir
    Path dir;
    private final AtomicInteger probes = new AtomicInteger();
    private final List<String> notes = new ArrayList<>();

    @Test
    void choosesOverlayWhenItMountsAndRemembersIt() throws Exception {
        assertThat(choose(Optional.empty(), Optional.empty())).isEqualTo("overlay");
        assertThat(choose(Optional.empty(), Optional.of("would fail now"))).isEqualTo("overlay");

        assertThat(probes).hasValue(1);
        assertThat(dir.resolve("kiln-storage-driver")).hasContent("overlay");
    }

    @Test
    void fallsBackToVfsOnceAndSaysWhy() throws Exception {
        assertThat(choose(Optional.empty(), Optional.of("kernel does not support overlay fs"))).isEqualTo("vfs");
        assertThat(choose(Optional.empty(), Optional.empty())).isEqualTo("vfs");

        assertThat(probes).hasValue(1);
        assertThat(notes).singleElement().asString().contains("kernel does not support overlay fs", "vfs");
    }

    @Test
    void theVariableWinsAndIsNotRemembered() throws Exception {
        assertThat(choose(Optional.of("vfs"), Optional.empty())).isEqualTo("vfs");

        assertThat(probes).hasValue(0);
        assertThat(Files.exists(dir.resolve("kiln-storage-driver"))).isFalse();
    }

    private String choose(Optional<String> override, Optional<String> probeFailure) throws Exception {
        return StorageDrivers.choose(override, dir, () -> {
            probes.incrementAndGet();
            return probeFailure;
        }, notes::add);
    }
}
