package dev.kiln.machines.base;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kiln-managed container base images ({@code debian-12-container}): made from the Debian mirror on
 * first use, kept as OCI image layouts beside the VM base images ({@code <folder>/debian-12-container/}
 * with {@code oci/} and {@code image.json}), and pushed to a region's registry when it lacks them.
 * Builds are locked and swapped in as the VM base images' are; an image made by another version of
 * Kiln's recipe is made again.
 */
public final class ContainerBaseImages {
    private final CacheFolder folder;
    private final ContainerBaseImageBuilder builder;
    private final LayoutPush push;

    /** @param folder the base images folder, the same as {@link BaseImageCache}'s */
    public ContainerBaseImages(Path folder) {
        this(folder, Path.of("/etc/apt"), Clock.systemUTC());
    }

    ContainerBaseImages(Path folder, Path aptFolder, Clock clock) {
        this.folder = new CacheFolder(folder);
        this.builder = new ContainerBaseImageBuilder(new Mmdebstrap(aptFolder, clock), clock);
        this.push = new LayoutPush(clock);
    }

    /** The Image Builder names of the container base images there are. */
    public static List<String> names() {
        return ContainerBaseImageRecipe.names();
    }

    /**
     * The named container base image in a region's registry, built and pushed first when needed.
     *
     * @param environment variables for skopeo: {@code REGISTRY_AUTH_FILE}, {@code CONTAINERS_REGISTRIES_CONF}
     * @return the reference it is pulled by, e.g. {@code 127.0.0.1:5001/kiln/debian-12-container:2026.11.0}
     * @throws BuildFailure when there is no such image, or it cannot be made or pushed (with the reason and
     *                      the failing program's last lines)
     */
    public String ensurePushed(String name, ContainerRegistry registry, Map<String, String> environment,
                               BuildLog log) throws IOException, InterruptedException {
        ContainerBaseImage image;
        try {
            image = ensure(name, log);
        } catch (IOException e) {
            throw new BuildFailure("container base image " + name + " could not be made in " + folder.path() + ": "
                    + e.getMessage(), e);
        }
        try {
            return push.ensurePushed(image, registry, environment, log);
        } catch (IOException e) {
            throw new BuildFailure("cannot push container base image " + image.name() + " to the registry of region "
                    + registry.region() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The named container base image, built first when it is not cached. Concurrent callers wait for
     * one build.
     *
     * @throws BuildFailure when there is no such image or it cannot be made
     */
    public ContainerBaseImage ensure(String name, BuildLog log) throws IOException, InterruptedException {
        ContainerBaseImageRecipe recipe = ContainerBaseImageRecipe.named(name);
        return folder.ensure(recipe.name(), "container base image " + recipe.name(), ContainerBaseImageBuilder.METADATA,
                () -> cached(recipe.name()), () -> build(recipe, log), log);
    }

    /** Builds the named container base image again from the mirror and replaces the cached one. */
    public ContainerBaseImage rebuild(String name, BuildLog log) throws IOException, InterruptedException {
        ContainerBaseImageRecipe recipe = ContainerBaseImageRecipe.named(name);
        return locked(recipe, log, () -> build(recipe, log));
    }

    /** The named container base image if it is cached, complete, and made from this Kiln's recipe. */
    public Optional<ContainerBaseImage> cached(String name) {
        ContainerBaseImageRecipe recipe;
        try {
            recipe = ContainerBaseImageRecipe.named(name);
        } catch (BuildFailure e) {
            return Optional.empty();
        }
        Optional<JsonNode> metadata = folder.metadata(recipe.name(), ContainerBaseImageBuilder.METADATA,
                recipe.hash());
        if (metadata.isEmpty()) {
            return Optional.empty();
        }
        Path dir = folder.dir(recipe.name());
        try {
            JsonNode j = metadata.get();
            Path layout = dir.resolve(j.path("layout").asText());
            String manifest = j.path("manifestDigest").asText();
            for (String digest : List.of(manifest, j.path("configDigest").asText(), j.path("layerDigest").asText())) {
                if (!Files.isRegularFile(OciLayout.blob(layout, digest))) {
                    return Optional.empty();
                }
            }
            if (!Files.isRegularFile(layout.resolve("index.json"))) {
                return Optional.empty();
            }
            return Optional.of(new ContainerBaseImage(recipe.name(), recipe.repository(), recipe.version(), layout,
                    manifest, j.path("layerSize").asLong(), Instant.parse(j.path("builtAt").asText())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private ContainerBaseImage build(ContainerBaseImageRecipe recipe, BuildLog log)
            throws IOException, InterruptedException {
        try {
            folder.replace(recipe.name(), dir -> builder.build(recipe, dir, log));
        } catch (IOException e) {
            throw new BuildFailure("container base image " + recipe.name() + " could not be made in "
                    + folder.path() + ": " + e.getMessage(), e);
        }
        return cached(recipe.name()).orElseThrow(() -> new BuildFailure("container base image " + recipe.name()
                + " was built but is incomplete in " + folder.path()));
    }

    private ContainerBaseImage locked(ContainerBaseImageRecipe recipe, BuildLog log,
                                      CacheFolder.Work<ContainerBaseImage> work)
            throws IOException, InterruptedException {
        return folder.locked(recipe.name(), "container base image " + recipe.name(), log, work);
    }
}
