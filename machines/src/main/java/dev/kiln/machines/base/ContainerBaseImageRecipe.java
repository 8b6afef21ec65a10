package dev.kiln.machines.base;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.image.BaseImages;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What goes into one named container base image: a Debian minbase root file system as the one layer,
 * and the config its users expect of a Debian image (PATH, {@code bash}).
 *
 * @param architecture the OCI name of the architecture ({@code amd64})
 */
record ContainerBaseImageRecipe(String name, String description, String suite, String version, String architecture,
                                List<String> env, List<String> cmd) {
    /** Kiln's files that go into the image: the mmdebstrap hooks. */
    static final List<String> HOOK_FILES = List.of("container-setup.sh", "container-customize.sh");
    /** Raised when the layout Kiln writes changes, so that cached images are made again. */
    static final int LAYOUT_VERSION = 1;

    static final ContainerBaseImageRecipe DEBIAN_12 = new ContainerBaseImageRecipe(
            BaseImages.DEBIAN_12_CONTAINER.name(),
            "Debian 12 (bookworm) amd64, minimal container root file system, Kiln-managed", "bookworm",
            BaseImages.VERSION, "amd64", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            List.of("bash"));

    /** The recipe of each container base image of the catalogue ({@link BaseImages}), by its Image Builder name. */
    private static final Map<String, ContainerBaseImageRecipe> ALL = Map.of(DEBIAN_12.name(), DEBIAN_12);

    ContainerBaseImageRecipe {
        env = List.copyOf(env);
        cmd = List.copyOf(cmd);
    }

    /**
     * @throws BuildFailure naming the container base images there are
     */
    static ContainerBaseImageRecipe named(String name) {
        ContainerBaseImageRecipe r = BaseImages.named(name).map(b -> ALL.get(b.name())).orElse(null);
        if (r == null) {
            throw new BuildFailure("Kiln has no container base image named '" + name + "'; it has: "
                    + String.join(", ", names()));
        }
        return r;
    }

    /** The Image Builder names of the container base images, from the catalogue. */
    static List<String> names() {
        return BaseImages.of(true).stream().map(BaseImages.BaseImage::name).toList();
    }

    /** The repository it is pushed to in a registry. */
    String repository() {
        return "kiln/" + name;
    }

    Map<String, String> labels(Instant created) {
        return Map.of("org.opencontainers.image.title", name,
                "org.opencontainers.image.description", description,
                "org.opencontainers.image.version", version,
                "org.opencontainers.image.vendor", "Kiln",
                "org.opencontainers.image.created", created.toString());
    }

    /** What the cached image was made from; a different hash means it is made again. */
    String hash() {
        return CacheFolder.recipeHash(this + " layout " + LAYOUT_VERSION, HOOK_FILES);
    }
}
