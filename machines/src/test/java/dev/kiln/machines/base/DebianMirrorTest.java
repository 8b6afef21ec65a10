package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianMirrorTest {
    @TempDir
    Path apt;

    @Test
    void readsDeb822Sources() throws Exception {
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(apt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                # http://snapshot.debian.org/archive/debian/20250520T000000Z
                URIs: http://mirror.example/debian/
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main
                """);
        Files.writeString(apt.resolve("sources.list.d/nodesource.sources.disabled"), "Types: deb\nURIs: https://x\n");
        assertThat(DebianMirror.detect(apt)).isEqualTo(new DebianMirror("http://mirror.example/debian",
                "http://mirror.example/debian-security"));
    }

    @Test
    void readsOneLineSourcesAndSkipsOtherDistributions() throws Exception {
        Files.writeString(apt.resolve("sources.list"), """
                # deb http://old.example/debian bookworm main
                deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main
                deb-src http://src.example/debian bookworm main
                deb [arch=amd64 signed-by=/k.gpg] http://ftp.de.debian.org/debian bookworm main contrib
                """);
        assertThat(DebianMirror.detect(apt)).isEqualTo(new DebianMirror("http://ftp.de.debian.org/debian",
                "http://deb.debian.org/debian-security"));
    }

    @Test
    void fallsBackToDebDebianOrg() {
        assertThat(DebianMirror.detect(apt.resolve("missing"))).isEqualTo(DebianMirror.DEFAULT);
    }
}
