package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostTest {

    @Test
    void readsTheMountPointTypeAndSourceOfAMountInfoLine() {
        String line = "812 27 0:71 / /data/builds/i-1/merged rw,relatime shared:5 master:1 - overlay kiln-sandbox "
                + "rw,lowerdir=/a,upperdir=/b,workdir=/c,userxattr";
        assertThat(Host.parseMountInfo(line))
                .isEqualTo(new Host.Mount(Path.of("/data/builds/i-1/merged"), "overlay", "kiln-sandbox"));
    }

    @Test
    void readsALineWithoutOptionalFieldsAndUnescapesSpaces() {
        assertThat(Host.parseMountInfo("22 27 0:21 / /my\\040dir rw,relatime - proc proc rw"))
                .isEqualTo(new Host.Mount(Path.of("/my dir"), "proc", "proc"));
        assertThat(Host.unescape("a\\011b\\134c\\04")).isEqualTo("a\tb\\c\\04");
        assertThat(Host.parseMountInfo("garbage")).isNull();
    }

    @Test
    void findsListedProgramsAndRefusesOnesKilnsListOfHostPackagesLacks() {
        assertThatThrownBy(() -> Host.program("kiln-no-such-program"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in Kiln's list of host packages");
        assertThat(Host.program("sh")).endsWith("/sh");
    }
}
