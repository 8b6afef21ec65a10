package dev.kiln.machines.base;

import dev.kiln.core.image.BaseImages;
import java.util.List;
import java.util.Map;

/**
 * What goes into one named base image: one for each VM base image of the catalogue ({@link BaseImages}),
 * named by its short name.
 */
record BaseImageRecipe(String name, String description, String suite, List<String> packages, int sizeGiB,
                       String kernelArgs) {

    /**
     * Build instances boot this many times a day under TCG: quiet consoles, no audit, no speculative
     * execution mitigations (build VMs run only the build's own code).
     */
    static final String KERNEL_ARGS = "quiet loglevel=3 audit=0 mitigations=off systemd.show_status=false";

    /** Debian 12 minbase, made a build instance: systemd, ssh, a kernel, and what components usually call. */
    static final BaseImageRecipe DEBIAN_12 = new BaseImageRecipe(BaseImages.DEBIAN_12_X86.shortName(),
            "Debian 12 (bookworm) x86_64, minimal, Kiln-managed", "bookworm",
            List.of("systemd-sysv", "udev", "openssh-server", "linux-image-amd64", "e2fsprogs", "sudo", "iproute2",
                    "ca-certificates", "netbase", "curl", "wget", "less", "procps", "lz4"),
            8, KERNEL_ARGS);

    /** The recipe of each VM base image, by its Image Builder name. */
    private static final Map<String, BaseImageRecipe> ALL = Map.of(BaseImages.DEBIAN_12_X86.name(), DEBIAN_12);

    /**
     * The recipe of a VM base image by its Image Builder name or short name, in any case.
     *
     * @throws IllegalArgumentException naming the base images there are
     */
    static BaseImageRecipe named(String name) {
        BaseImageRecipe r = BaseImages.named(name).map(b -> ALL.get(b.name())).orElse(null);
        if (r == null) {
            throw new IllegalArgumentException("there is no Kiln-managed base image named '" + name
                    + "'; there is: " + String.join(", ", BaseImages.of(false).stream()
                            .map(BaseImages.BaseImage::shortName).toList()));
        }
        return r;
    }

    /** The Debian suites and the apt source lines for them, from the chosen mirror. */
    List<String> sourceLines(DebianMirror mirror) {
        return mirror.sourceLines(suite);
    }
}
