package dev.kiln.machines.qemu;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.machines.ssh.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * The seed for an image that boots through its own firmware and does not know Kiln's seed disk (a
 * user's cloud image): a cloud-init NoCloud volume made with {@code cloud-localds}. Its cloud-config
 * lets root in with the instance's key and installs the instance's host key; a user-data script goes
 * in as a second MIME part.
 */
final class CloudInitSeed {
    private static final String BOUNDARY = "==kiln-user-data==";

    private CloudInitSeed() {
    }

    static Path write(Path work, String instanceId, String authorizedKey, KeyPair hostKey, String userData,
                      BuildLog log) throws IOException, InterruptedException {
        Path localds;
        try {
            localds = HostPrograms.require("cloud-localds");
        } catch (IOException e) {
            throw new InstanceException("instance " + instanceId + ": its image boots through its own firmware,"
                    + " so it needs a cloud-init seed; " + e.getMessage(), e);
        }
        Path userDataFile = work.resolve("user-data");
        Path metaData = work.resolve("meta-data");
        Files.writeString(userDataFile, userData(authorizedKey, hostKey, instanceId, userData));
        Files.writeString(metaData, "instance-id: " + instanceId + "\nlocal-hostname: " + instanceId + "\n");
        Path seed = work.resolve("seed.img");
        HostPrograms.run(List.of(localds.toString(), seed.toString(), userDataFile.toString(), metaData.toString()),
                Duration.ofMinutes(1), log, "cloud-localds");
        return seed;
    }

    static String userData(String authorizedKey, KeyPair hostKey, String instanceId, String userData) {
        String config = "#cloud-config\n"
                + "disable_root: false\n"
                + "ssh_pwauth: false\n"
                + "ssh_authorized_keys:\n  - " + authorizedKey + "\n"
                + "ssh_deletekeys: true\n"
                + "ssh_genkeytypes: []\n"
                + "ssh_keys:\n"
                + "  ed25519_private: |\n" + indent(SshKeys.privateKeyOpenSsh(hostKey), "    ")
                + "  ed25519_public: " + SshKeys.publicKeyLine(hostKey.getPublic(), "root@" + instanceId) + "\n";
        if (userData == null || userData.isBlank()) {
            return config;
        }
        String type = userData.startsWith("#cloud-config") ? "text/cloud-config" : "text/x-shellscript";
        return "Content-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\nMIME-Version: 1.0\n\n"
                + "--" + BOUNDARY + "\nContent-Type: text/cloud-config; charset=\"utf-8\"\n\n" + config + "\n"
                + "--" + BOUNDARY + "\nContent-Type: " + type + "; charset=\"utf-8\"\n\n" + userData
                + (userData.endsWith("\n") ? "" : "\n")
                + "--" + BOUNDARY + "--\n";
    }

    private static String indent(String text, String prefix) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            b.append(prefix).append(line).append('\n');
        }
        return b.toString();
    }
}
