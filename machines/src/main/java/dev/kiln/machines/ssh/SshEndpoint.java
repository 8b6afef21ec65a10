package dev.kiln.machines.ssh;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Objects;

/**
 * Where and as whom to log in: the client's key pair for public-key authentication, and the host key
 * the server must present (pinned: the connection is refused if the server's key differs).
 */
public record SshEndpoint(String host, int port, String user, KeyPair clientKey, PublicKey hostKey) {
    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(clientKey, "clientKey");
        Objects.requireNonNull(hostKey, "hostKey");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
    }

    /** user@host:port, for messages. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}
