package dev.kiln.machines.base;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Kiln-managed base images, built from the Debian mirror on first use and kept in a folder, one
 * sub-folder per image ({@code <folder>/debian-12/} with {@code rootfs/}, {@code disk.qcow2},
 * {@code vmlinuz}, {@code initrd.img}, {@code vmlinux}, {@code image.json}).
 *
 * <p>A build happens in a hidden sibling folder that replaces the image's folder in one rename, so
 * readers see the old image or the new one, never half of one. Builders in this JVM and in other
 * processes wait for each other through a lock file per image. A rebuild deletes the old tree: do not
 * rebuild while builds use it.
 */
public final class BaseImageCache {
    private final CacheFolder folder;
    private final BaseImageBuilder builder;

    public BaseImageCache(Path folder) {
        this(folder, Path.of("/etc/apt"), Clock.systemUTC());
    }

    BaseImageCache(Path folder, Path aptFolder, Clock clock) {
        this.folder = new CacheFolder(folder);
        this.builder = new BaseImageBuilder(new Mmdebstrap(aptFolder, clock), clock);
    }

    /**
     * The named base image ({@code debian-12}, or its Image Builder name {@code debian-12-x86}), built
     * first when it is not cached. Concurrent callers wait for one build.
     *
     * @throws IllegalArgumentException when there is no base image of that name
     */
    public BaseImage ensure(String name, BuildLog log) throws IOException, InterruptedException {
        BaseImageRecipe recipe = BaseImageRecipe.named(name);
        return folder.ensure(recipe.name(), "base image " + recipe.name(), BaseImageBuilder.METADATA,
                () -> cached(recipe.name()), () -> build(recipe, log), log);
    }

    /** Builds the named base image again from the mirror and replaces the cached one. */
    public BaseImage rebuild(String name, BuildLog log) throws IOException, InterruptedException {
        BaseImageRecipe recipe = BaseImageRecipe.named(name);
        return locked(recipe, log, () -> build(recipe, log));
    }

    /** The folder base images are cached in. */
    public Path folder() {
        return folder.path();
    }

    /**
     * The named base image if it is cached, complete, and was made from this version of Kiln's recipe
     * and image files.
     */
    public Optional<BaseImage> cached(String name) {
        BaseImageRecipe recipe;
        try {
            recipe = BaseImageRecipe.named(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<JsonNode> metadata = folder.metadata(recipe.name(), BaseImageBuilder.METADATA,
                BaseImageBuilder.recipeHash(recipe));
        if (metadata.isEmpty()) {
            return Optional.empty();
        }
        Path dir = folder.dir(recipe.name());
        try {
            JsonNode j = metadata.get();
            Path disk = dir.resolve(j.path("disk").asText());
            Path kernel = dir.resolve(j.path("kernel").asText());
            Path initrd = dir.resolve(j.path("initrd").asText());
            Path vmlinux = j.hasNonNull("vmlinux") ? dir.resolve(j.get("vmlinux").asText()) : null;
            Path rootfs = dir.resolve("rootfs");
            if (!Files.isRegularFile(disk) || !Files.isRegularFile(kernel) || !Files.isRegularFile(initrd)
                    || !Files.isDirectory(rootfs) || (vmlinux != null && !Files.isRegularFile(vmlinux))) {
                return Optional.empty();
            }
            return Optional.of(new BaseImage(recipe.name(), rootfs, disk, j.path("diskSha256").asText(), kernel,
                    initrd, vmlinux, j.path("kernelArgs").asText(recipe.kernelArgs()),
                    j.path("sizeGiB").asInt(recipe.sizeGiB()), Instant.parse(j.path("builtAt").asText())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private BaseImage build(BaseImageRecipe recipe, BuildLog log) throws IOException, InterruptedException {
        folder.replace(recipe.name(), dir -> builder.build(recipe, dir, log));
        return cached(recipe.name()).orElseThrow(() ->
                new IOException("base image " + recipe.name() + " was built but is incomplete in " + folder.path()));
    }

    private BaseImage locked(BaseImageRecipe recipe, BuildLog log, CacheFolder.Work<BaseImage> work)
            throws IOException, InterruptedException {
        return folder.locked(recipe.name(), "base image " + recipe.name(), log, work);
    }
}
