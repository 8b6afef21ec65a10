package dev.kiln.core.machine;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * What to launch: an instance of an image, of a type, for a build.
 *
 * @param instanceId   {@code i-} and 17 hex digits; names the instance's files and processes
 * @param instanceType as the infrastructure configuration says ({@code t3.micro}, {@code kiln.sandbox})
 * @param userData     a script for the instance's first boot (the recipe's userDataOverride), or null
 * @param workFolder   where the instance keeps its overlay, seed, keys and console log; the backend
 *                     creates what it needs inside and removes it on {@link Instance#close()}
 * @param readyTimeout how long the instance may take to become reachable
 */
public record InstanceRequest(String instanceId, MachineImage image, String instanceType, String userData,
                              Path workFolder, Duration readyTimeout) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh instance id: {@code i-} and 17 random hex digits, as EC2's. */
    public static String newInstanceId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return "i-" + HexFormat.of().formatHex(bytes).substring(0, 17);
    }
}
