package dev.kiln.machines.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.machines.host.HostPackages.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HostPackagesTest {
    /** The list in the source tree, which the bash launcher reads (tests run in the module's folder). */
    private static final Path LIST = Path.of("src/main/resources/dev/kiln/machines/host/packages.txt");

    @Test
    void everyFeatureHasItsPackagesAndTheTestsHaveTheirsApart() {
        for (Feature f : Feature.values()) {
            assertThat(HostPackages.packagesFor(f)).as(f.word()).isNotEmpty();
        }
        assertThat(HostPackages.packagesFor(Feature.VM)).containsExactly("qemu-system-x86", "qemu-utils");
        assertThat(HostPackages.packagesFor(Feature.CONTAINERS)).contains("buildah");
        assertThat(HostPackages.packagesFor(Feature.REGISTRY)).containsExactly("docker-registry");
        assertThat(HostPackages.packagesFor(Feature.CONTAINER_BASE_IMAGES)).containsExactly("mmdebstrap", "skopeo");
        assertThat(HostPackages.packagesFor(Feature.BASE_IMAGES)).containsExactly("qemu-utils", "mmdebstrap",
                "e2fsprogs");
        assertThat(HostPackages.entries()).filteredOn(HostPackages.Entry::testsOnly)
                .extracting(HostPackages.Entry::debianPackage)
                .contains("awscli", "python3-boto3", "postgresql", "findutils", "passwd", "openssh-client")
                .doesNotContain("buildah", "skopeo", "docker-registry", "qemu-system-x86");
        assertThat(HostPackages.packageOf("qemu-system-x86_64")).isEqualTo("qemu-system-x86");
        assertThat(HostPackages.packageOf("busybox")).isEqualTo("busybox-static");
    }

    @Test
    void theBashLauncherInstallsFromTheSameFile() throws IOException {
        Path launcher = Path.of("..", "kiln");
        assertThat(launcher).exists();
        assertThat(Files.readString(launcher)).contains("\"$here/machines/" + LIST + "\"");
        assertThat(HostPackages.parse(Files.readAllLines(LIST))).isEqualTo(HostPackages.entries());
    }

    /** Every program Kiln's code asks the list for is in it: a missing one would fail a build with no package named. */
    @Test
    void everyProgramTheCodeLooksUpIsListed() throws IOException {
        Pattern lookup = Pattern.compile("(?:HostPrograms\\.require(?:All)?|Host\\.program|HostPackages\\.(?:packageOf"
                + "|entry)|Prerequisites\\.requireAll)\\(\"([^\"]+)\"");
        List<Path> roots = List.of(Path.of("src/main/java"), Path.of("..", "cli", "src", "main", "java"));
        TreeSet<String> looked = new TreeSet<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = lookup.matcher(Files.readString(f));
                    while (m.find()) {
                        looked.add(m.group(1));
                    }
                }
            }
        }
        assertThat(looked).contains("buildah", "qemu-img", "mount", "busybox", "mmdebstrap");
        List<String> unlisted = new ArrayList<>();
        for (String program : looked) {
            try {
                HostPackages.entry(program);
            } catch (IllegalArgumentException e) {
                unlisted.add(program);
            }
        }
        assertThat(unlisted).isEmpty();
        assertThat(HostPackages.programsFor(Feature.values())).extracting(HostPackages.Entry::program)
                .contains(looked.toArray(String[]::new));
    }

    @Test
    void aBrokenListSaysWhichLineAndWhy() {
        assertThat(HostPackages.parse(List.of("# comment", "", "  - python3-boto3  tests   boto3 for the tests")))
                .containsExactly(new HostPackages.Entry(null, "python3-boto3", java.util.Set.of(Feature.TESTS),
                        "boto3 for the tests"));
        assertThatThrownBy(() -> HostPackages.parse(List.of("buildah buildah containers")))
                .hasMessageContaining("packages.txt:1: four columns expected");
        assertThatThrownBy(() -> HostPackages.parse(List.of("# x", "buildah buildah containerz why")))
                .hasMessageContaining("packages.txt:2: unknown feature 'containerz'");
        assertThatThrownBy(() -> HostPackages.parse(List.of("sh dash containers a", "sh bash sandbox b")))
                .hasMessageContaining("packages.txt:2: sh is listed twice");
        assertThatThrownBy(() -> HostPackages.entry("kiln-no-such-program"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in Kiln's list of host packages (dev/kiln/machines/host/packages.txt)");
    }
}
