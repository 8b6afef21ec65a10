package dev.kiln.machines.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.machines.host.HostPackages.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProgramsTest {
    @TempDir
    Path bin;

    private void program(String name) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A PATH of one folder holding every program of container builds but buildah. */
    @Test
    void aContainerBuildOnAPathWithoutBuildahNamesItsPackageAndTheSetupCommand() throws IOException {
        for (HostPackages.Entry e : HostPackages.programsFor(Feature.CONTAINERS)) {
            if (!e.program().equals("buildah")) {
                program(e.program());
            }
        }
        List<HostPackages.Entry> missing = HostPrograms.missing(HostPackages.programsFor(Feature.CONTAINERS),
                List.of(bin));

        assertThat(missing).extracting(HostPackages.Entry::program).containsExactly("buildah");
        assertThat(HostPrograms.notInstalled(missing))
                .isEqualTo("buildah is not installed: install the Debian package buildah (sudo ./kiln setup)");
    }

    @Test
    void severalMissingProgramsAreNamedWithEachPackageOnce() throws IOException {
        List<HostPackages.Entry> missing = HostPrograms.missing(HostPackages.programsFor(Feature.VM), List.of(bin));
        assertThat(HostPrograms.notInstalled(missing)).isEqualTo("qemu-system-x86_64, qemu-img are not installed:"
                + " install the Debian packages qemu-system-x86 qemu-utils (sudo ./kiln setup)");

        List<HostPackages.Entry> mount = HostPrograms.missing(List.of(HostPackages.entry("mount"),
                HostPackages.entry("umount")), List.of(bin));
        assertThat(HostPrograms.notInstalled(mount))
                .isEqualTo("mount, umount are not installed: install the Debian package mount (sudo ./kiln setup)");

        program("qemu-img");
        program("qemu-system-x86_64");
        assertThat(HostPrograms.missing(HostPackages.programsFor(Feature.VM), List.of(bin))).isEmpty();
    }

    @Test
    void aFileThatIsNotExecutableIsNotTheProgram() throws IOException {
        Files.writeString(bin.resolve("skopeo"), "not a program");
        assertThat(HostPrograms.find("skopeo", List.of(bin))).isEmpty();
        program("skopeo");
        assertThat(HostPrograms.find("skopeo", List.of(bin))).contains(bin.resolve("skopeo"));
    }

    @Test
    void requireNamesThePackageFromTheListAndRefusesUnlistedPrograms() throws IOException {
        assertThat(HostPrograms.require("sh")).isExecutable();
        HostPrograms.requireAll("sh", "env");
        assertThatThrownBy(() -> HostPrograms.require("kiln-no-such-program"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
