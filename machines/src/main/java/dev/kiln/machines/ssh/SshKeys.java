package dev.kiln.machines.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/** Ed25519 keys for SSH and their OpenSSH text forms, for authorized_keys, known_hosts and HostKey files. */
public final class SshKeys {

    private SshKeys() {
    }

    public static KeyPair generateEd25519() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an ed25519 key pair (is Bouncy Castle on the class path?)",
                    e);
        }
    }

    /** "ssh-ed25519 AAAA... comment", the authorized_keys and known_hosts format. */
    public static String publicKeyLine(PublicKey key, String comment) {
        String line = PublicKeyEntry.toString(key);
        return comment == null || comment.isBlank() ? line : line + " " + comment;
    }

    /**
     * The private key as an unencrypted "-----BEGIN OPENSSH PRIVATE KEY-----" text, usable with
     * {@code ssh -i} and as an sshd HostKey file (both want the file readable by its owner only).
     */
    public static String privateKeyOpenSsh(KeyPair pair) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "kiln", null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the private key in OpenSSH format", e);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** SHA256:... as ssh-keygen -l prints it, for messages. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }
}
