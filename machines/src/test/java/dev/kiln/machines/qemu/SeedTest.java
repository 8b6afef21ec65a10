package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class SeedTest {
    private final Seed seed = new Seed("ssh-ed25519 AAAA kiln", "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n"
            + "-----END OPENSSH PRIVATE KEY-----\n", "ssh-ed25519 BBBB root", "i-0123", "i-0123",
            "#!/bin/sh\necho hi\n");

    @Test
    void isATarOfWholeSectorsWithEveryFile() throws Exception {
        byte[] tar = seed.tar();
        assertThat(tar.length % 512).isZero();
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, String> content = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), e);
                content.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsOnlyKeys("authorized_keys", "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub",
                "hostname", "instance-id", "user-data");
        assertThat(content.get("authorized_keys")).isEqualTo("ssh-ed25519 AAAA kiln\n");
        assertThat(content.get("hostname")).isEqualTo("i-0123\n");
        assertThat(content.get("user-data")).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(entries.get("ssh_host_ed25519_key").getMode() & 0777).isEqualTo(0600);
        assertThat(entries.get("ssh_host_ed25519_key.pub").getMode() & 0777).isEqualTo(0644);
    }

    @Test
    void leavesUserDataOutWhenThereIsNone() throws Exception {
        Seed none = new Seed("k", "p", "q", "h", "i", null);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(none.tar()))) {
            int n = 0;
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; n++) {
                assertThat(e.getName()).isNotEqualTo("user-data");
            }
            assertThat(n).isEqualTo(5);
        }
    }
}
