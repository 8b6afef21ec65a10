package dev.kiln.machines.base;

import dev.kiln.machines.HostFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.build.BuildLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

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
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final BaseImageBuilder builder;

    public BaseImageCache(Path folder) {
        this(folder, Path.of("/etc/apt"), Clock.systemUTC());
    }

    BaseImageCache(Path folder, Path aptFolder, Clock clock) {
        this.folder = folder.toAbsolutePath().normalize();
        this.builder = new BaseImageBuilder(aptFolder, clock);
    }

    /**
     * The named base image ({@code debian-12}, or its Image Builder name {@code debian-12-x86}), built
     * first when it is not cached. Concurrent callers wait for one build.
     *
     * @throws IllegalArgumentException when there is no base image of that name
     */
    public BaseImage ensure(String name, BuildLog log) throws IOException, InterruptedException {
        BaseImageRecipe recipe = BaseImageRecipe.named(name);
        Optional<BaseImage> ready = cached(recipe.name());
        if (ready.isPresent()) {
            return ready.get();
        }
        return locked(recipe, log, () -> {
            Optional<BaseImage> meanwhile = cached(recipe.name());
            if (meanwhile.isPresent()) {
                log.info("base image " + recipe.name() + " was built meanwhile by another caller");
                return meanwhile.get();
            }
            if (Files.exists(folder.resolve(recipe.name()).resolve(BaseImageBuilder.METADATA))) {
                log.info("base image " + recipe.name() + " in " + folder + " was made by another version of Kiln"
                        + " (or is incomplete); building it again");
            }
            return build(recipe, log);
        });
    }

    /** Builds the named base image again from the mirror and replaces the cached one. */
    public BaseImage rebuild(String name, BuildLog log) throws IOException, InterruptedException {
        BaseImageRecipe recipe = BaseImageRecipe.named(name);
        return locked(recipe, log, () -> build(recipe, log));
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
        Path dir = folder.resolve(recipe.name());
        Path meta = dir.resolve(BaseImageBuilder.METADATA);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            JsonNode j = JSON.readTree(meta.toFile());
            if (!j.path("recipeHash").asText().equals(BaseImageBuilder.recipeHash(recipe))) {
                return Optional.empty();
            }
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
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private interface Work {
        BaseImage run() throws IOException, InterruptedException;
    }

    /** Runs work holding this JVM's lock for the image and the lock file other processes honour. */
    private BaseImage locked(BaseImageRecipe recipe, BuildLog log, Work work) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Path lockFile = folder.resolve(recipe.name() + ".lock");
        ReentrantLock jvmLock = IN_THIS_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock());
        if (!jvmLock.tryLock()) {
            log.info("base image " + recipe.name() + " is being built by another build; waiting for it");
            jvmLock.lockInterruptibly();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                log.info("base image " + recipe.name() + " is being built by another Kiln process; waiting for it");
                lock = channel.lock();
            }
            try {
                return work.run();
            } finally {
                lock.release();
            }
        } finally {
            jvmLock.unlock();
        }
    }

    private BaseImage build(BaseImageRecipe recipe, BuildLog log) throws IOException, InterruptedException {
        removeLeftovers(recipe);
        Path building = folder.resolve("." + recipe.name() + ".build-" + UUID.randomUUID());
        try {
            builder.build(recipe, building, log);
            Path dir = folder.resolve(recipe.name());
            Path old = folder.resolve("." + recipe.name() + ".old-" + UUID.randomUUID());
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
            HostFiles.deleteTree(old);
        } finally {
            HostFiles.deleteTree(building);
        }
        return cached(recipe.name()).orElseThrow(() ->
                new IOException("base image " + recipe.name() + " was built but is incomplete in " + folder));
    }

    /** Half-built trees from a build that crashed, and old trees a rebuild could not delete. */
    private void removeLeftovers(BaseImageRecipe recipe) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("." + recipe.name() + ".build-") || n.startsWith("." + recipe.name() + ".old-")) {
                    HostFiles.deleteTree(p);
                }
            }
        }
    }
}
