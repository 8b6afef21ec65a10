package dev.kiln.core.build;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of one build's working containers and local images in the container engine's storage. They
 * start with {@code kiln-} and {@code localhost/kiln-build/}, which is what the start-up sweep removes
 * after a crash; the rest is derived from the image build version, so two builds never collide.
 */
record ContainerNames(String id) {

    static ContainerNames of(String imageArn) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(imageArn.getBytes(StandardCharsets.UTF_8));
            return new ContainerNames(HexFormat.of().formatHex(hash, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String container(String purpose) {
        return "kiln-" + id + "-" + purpose;
    }

    String tag(String stage) {
        return "localhost/kiln-build/" + id + ":" + stage;
    }
}
