package dev.kiln.machines.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An instance's seed: what makes a copy of an image this one instance. QEMU hands it to the guest as a
 * read-only virtio disk with serial {@code kiln-seed} whose content is a plain tar archive; the image's
 * {@code kiln-seed.service} unpacks it at every boot. Entries (all at the top level):
 * <ul>
 * <li>{@code authorized_keys}: root's, the host's per-instance client key</li>
 * <li>{@code ssh_host_ed25519_key}, {@code ssh_host_ed25519_key.pub}: the instance's host key, which the host pins</li>
 * <li>{@code hostname}, {@code instance-id}</li>
 * <li>{@code user-data} (optional): run once per instance when it starts with {@code #!}</li>
 * </ul>
 */
record Seed(String authorizedKeys, String hostPrivateKey, String hostPublicKey, String hostname, String instanceId,
            String userData) {

    static final String DISK_SERIAL = "kiln-seed";

    /** The archive's bytes; its length is a multiple of 512 (a disk's sector size). */
    byte[] tar() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("authorized_keys", withNewline(authorizedKeys));
        files.put("ssh_host_ed25519_key", withNewline(hostPrivateKey));
        files.put("ssh_host_ed25519_key.pub", withNewline(hostPublicKey));
        files.put("hostname", withNewline(hostname));
        files.put("instance-id", withNewline(instanceId));
        if (userData != null && !userData.isEmpty()) {
            files.put("user-data", userData);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, 512, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(data.length);
                e.setMode(f.getKey().equals("ssh_host_ed25519_key") || f.getKey().equals("user-data") ? 0100600 : 0100644);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        byte[] out = bytes.toByteArray();
        if (out.length % 512 != 0) {
            throw new IllegalStateException("seed archive of " + out.length + " bytes is not whole sectors");
        }
        return out;
    }

    void writeTo(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(tar());
        }
    }

    private static String withNewline(String s) {
        return s.endsWith("\n") ? s : s + "\n";
    }
}
