package dev.kiln.machines.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {

    @TempDir
    Path dir;

    @Test
    void publicKeyLineIsInAuthorizedKeysFormat() {
        KeyPair pair = SshKeys.generateEd25519();
        assertThat(SshKeys.publicKeyLine(pair.getPublic(), "kiln@build-1"))
                .matches("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} kiln@build-1");
        assertThat(SshKeys.publicKeyLine(pair.getPublic(), null)).doesNotContain(" kiln");
        assertThat(SshKeys.generateEd25519().getPublic()).isNotEqualTo(pair.getPublic());
    }

    @Test
    void keysReadBackFromTheirTextForms() throws Exception {
        KeyPair pair = SshKeys.generateEd25519();
        assertThat(SshKeys.parsePublicKeyLine(SshKeys.publicKeyLine(pair.getPublic(), "c") + "\n"))
                .isEqualTo(pair.getPublic());
        KeyPair back = SshKeys.parsePrivateKeyOpenSsh(SshKeys.privateKeyOpenSsh(pair));
        assertThat(back.getPublic()).isEqualTo(pair.getPublic());
        assertThat(verifies(pair.getPublic(), sign(back.getPrivate(), "data"), "data")).isTrue();
        assertThatThrownBy(() -> SshKeys.parsePublicKeyLine("ssh-ed25519 not-base64"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-base64");
    }

    @Test
    void readsKeysThatSshKeygenWrote() throws Exception {
        Path key = dir.resolve("made-by-ssh-keygen");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", key.toString()));
        KeyPair pair = SshKeys.parsePrivateKeyOpenSsh(Files.readString(key));
        assertThat(SshKeys.parsePublicKeyLine(Files.readString(dir.resolve("made-by-ssh-keygen.pub"))))
                .isEqualTo(pair.getPublic());
    }

    @Test
    void openSshReadsThePrivateKeyAndDerivesTheSamePublicKey() throws Exception {
        KeyPair pair = SshKeys.generateEd25519();
        String text = SshKeys.privateKeyOpenSsh(pair);
        assertThat(text).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
                .endsWith("-----END OPENSSH PRIVATE KEY-----\n");
        Path key = writeKey(text);
        List<String> out = run(List.of("ssh-keygen", "-y", "-f", key.toString()));
        assertThat(out.get(0)).startsWith(SshKeys.publicKeyLine(pair.getPublic(), null));
        List<String> fingerprint = run(List.of("ssh-keygen", "-l", "-f", key.toString()));
        assertThat(fingerprint.get(0)).contains(SshKeys.fingerprint(pair.getPublic()));
    }

    @Test
    void theOpenSshClientLogsInWithThePrivateKeyAndTheConnectCommand() throws Exception {
        KeyPair host = SshKeys.generateEd25519();
        KeyPair client = SshKeys.generateEd25519();
        Path key = writeKey(SshKeys.privateKeyOpenSsh(client));
        try (FakeSshServer server = FakeSshServer.start(host, client.getPublic());
             SshTarget target = SshTarget.connect(server.endpoint(client), Duration.ofSeconds(20))) {
            List<String> command = new ArrayList<>(List.of(target.connectCommand(key).split(" ")));
            command.addAll(1, List.of("-o", "BatchMode=yes", "-o", "LogLevel=ERROR"));
            command.add("echo logged in");
            assertThat(run(command)).containsExactly("logged in");
        }
    }

    private static byte[] sign(java.security.PrivateKey key, String data) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("Ed25519", new BouncyCastleProvider());
        s.initSign(key);
        s.update(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return s.sign();
    }

    private static boolean verifies(java.security.PublicKey key, byte[] signature, String data) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("Ed25519", new BouncyCastleProvider());
        s.initVerify(key);
        s.update(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return s.verify(signature);
    }

    private Path writeKey(String text) throws Exception {
        Path key = dir.resolve("id_ed25519");
        Files.writeString(key, text);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    private static List<String> run(List<String> command) throws Exception {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        ExecResult r;
        try {
            r = ProcessRunner.run(ExecRequest.of(command, Duration.ofSeconds(30)), new OutputListener() {
                @Override
                public void stdout(String line) {
                    out.add(line);
                }

                @Override
                public void stderr(String line) {
                    err.add(line);
                }
            });
        } catch (java.io.IOException e) {
            throw new AssertionError(command.get(0) + " is missing: install the Debian package openssh-client", e);
        }
        assertThat(r.exitCode()).as("%s: %s", command, err).isZero();
        return out;
    }
}
