package dev.kiln.machines.base;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What goes into one named base image. */
record BaseImageRecipe(String name, String description, String suite, List<String> packages, int sizeGiB,
                       String kernelArgs) {

    /**
     * Build instances boot this many times a day under TCG: quiet consoles, no audit, no speculative
     * execution mitigations (build VMs run only the build's own code).
     */
    static final String KERNEL_ARGS = "quiet loglevel=3 audit=0 mitigations=off systemd.show_status=false";

    /** Debian 12 minbase, made a build instance: systemd, ssh, a kernel, and what components usually call. */
    static final BaseImageRecipe DEBIAN_12 = new BaseImageRecipe("debian-12",
            "Debian 12 (bookworm) x86_64, minimal, Kiln-managed", "bookworm",
            List.of("systemd-sysv", "udev", "openssh-server", "linux-image-amd64", "e2fsprogs", "sudo", "iproute2",
                    "ca-certificates", "netbase", "curl", "wget", "less", "procps", "lz4"),
            8, KERNEL_ARGS);

    private static final Map<String, BaseImageRecipe> ALL = Map.of(
            "debian-12", DEBIAN_12,
            // The Image Builder name of the same image (core's BaseImages).
            "debian-12-x86", DEBIAN_12);

    /**
     * @throws IllegalArgumentException naming the base images there are
     */
    static BaseImageRecipe named(String name) {
        BaseImageRecipe r = ALL.get(name.toLowerCase(Locale.ROOT));
        if (r == null) {
            throw new IllegalArgumentException("there is no Kiln-managed base image named '" + name
                    + "'; there is: debian-12");
        }
        return r;
    }

    /** The Debian suites and the apt source lines for them, from the chosen mirror. */
    List<String> sourceLines(DebianMirror mirror) {
        return mirror.sourceLines(suite);
    }
}
