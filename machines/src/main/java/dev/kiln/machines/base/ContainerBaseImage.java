package dev.kiln.machines.base;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A Kiln-managed container base image as cached on this host: an OCI image layout with one tag.
 *
 * @param repository     where it goes in a registry, e.g. {@code kiln/debian-12-container}
 * @param tag            its version, e.g. {@code 2026.11.0}
 * @param manifestDigest {@code sha256:...} of its manifest, the same in every registry it is pushed to
 */
public record ContainerBaseImage(String name, String repository, String tag, Path layout, String manifestDigest,
                                 long layerSize, Instant builtAt) {

    /** The layout as skopeo and buildah name it: {@code oci:<folder>:<tag>}. */
    public String ociReference() {
        return "oci:" + layout + ":" + tag;
    }
}
