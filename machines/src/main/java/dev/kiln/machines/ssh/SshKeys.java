package dev.kiln.machines.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

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

    /** The key in an authorized_keys or known_hosts line (the comment, if any, is ignored). */
    public static PublicKey parsePublicKeyLine(String line) {
        try {
            PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line.strip()).resolvePublicKey(null, null, null);
            if (key == null) {
                throw new IllegalArgumentException("unsupported key type in " + line.strip());
            }
            return key;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an OpenSSH public key line: " + line.strip(), e);
        }
    }

    /** The key pair in an unencrypted OpenSSH private key text, as {@link #privateKeyOpenSsh} writes it. */
    public static KeyPair parsePrivateKeyOpenSsh(String text) {
        try {
            Iterator<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("private key"),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), null).iterator();
            if (!pairs.hasNext()) {
                throw new IllegalArgumentException("no key in the private key text");
            }
            return pairs.next();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an unencrypted OpenSSH private key: " + e.getMessage(), e);
        }
    }

    /** SHA256:... as ssh-keygen -l prints it, for messages. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }
}
