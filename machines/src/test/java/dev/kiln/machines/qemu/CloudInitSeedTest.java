package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.machines.ssh.SshKeys;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class CloudInitSeedTest {
    private final KeyPair host = SshKeys.generateEd25519();

    @Test
    void letsRootInWithTheKeyAndPinsTheHostKey() {
        String ud = CloudInitSeed.userData("ssh-ed25519 AAAA kiln", host, "i-1", null);
        assertThat(ud).startsWith("#cloud-config\n").contains("disable_root: false",
                "  - ssh-ed25519 AAAA kiln", "ed25519_private: |", "    -----BEGIN OPENSSH PRIVATE KEY-----",
                "ed25519_public: ssh-ed25519 ");
    }

    @Test
    void addsAUserScriptAsASecondMimePart() {
        String ud = CloudInitSeed.userData("k", host, "i-1", "#!/bin/sh\necho hi\n");
        assertThat(ud).startsWith("Content-Type: multipart/mixed").contains("Content-Type: text/cloud-config",
                "Content-Type: text/x-shellscript", "#!/bin/sh\necho hi\n").endsWith("--\n");
    }
}
