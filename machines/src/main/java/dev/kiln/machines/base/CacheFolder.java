package dev.kiln.machines.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The folder Kiln-managed base images are cached in, one sub-folder per image (VM and container
 * images alike). An image is built in a hidden sibling folder that replaces the image's folder in one
 * rename, so readers see the old image or the new one, never half of one. Builders in this JVM and in
 * other processes wait for each other through a lock file per image.
 */
final class CacheFolder {
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    interface Cached<T> {
        Optional<T> find();
    }

    interface Build {
        void into(Path dir) throws IOException, InterruptedException;
    }

    private final Path folder;

    CacheFolder(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    Path path() {
        return folder;
    }

    /** The folder of one image (there or not). */
    Path dir(String name) {
        return folder.resolve(name);
    }

    /**
     * Runs work holding this JVM's lock for the image and the lock file other processes honour.
     *
     * @param what the image as the log names it, e.g. {@code base image debian-12}
     */
    <T> T locked(String name, String what, BuildLog log, Work<T> work) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        Path lockFile = folder.resolve(name + ".lock");
        ReentrantLock jvmLock = IN_THIS_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock());
        if (!jvmLock.tryLock()) {
            log.info(what + " is being built by another build; waiting for it");
            jvmLock.lockInterruptibly();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                log.info(what + " is being built by another Kiln process; waiting for it");
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

    /**
     * The image as cached, or else built holding its lock, once: a caller that waited for the lock
     * takes what the caller before it built. A cached image that cannot be used (made by another
     * version of Kiln, or incomplete) is built again.
     *
     * @param what     the image as the log names it, e.g. {@code base image debian-12}
     * @param metadata the name of the file whose presence says an image was completed
     * @param cached   the image when it is cached, complete, and made from this Kiln's recipe
     */
    <T> T ensure(String name, String what, String metadata, Cached<T> cached, Work<T> build, BuildLog log)
            throws IOException, InterruptedException {
        Optional<T> ready = cached.find();
        if (ready.isPresent()) {
            return ready.get();
        }
        return locked(name, what, log, () -> {
            Optional<T> meanwhile = cached.find();
            if (meanwhile.isPresent()) {
                log.info(what + " was built meanwhile by another caller");
                return meanwhile.get();
            }
            if (Files.exists(dir(name).resolve(metadata))) {
                log.info(what + " in " + folder + " was made by another version of Kiln (or is incomplete);"
                        + " building it again");
            }
            return build.run();
        });
    }

    /**
     * Builds an image into a fresh hidden folder and puts it in place of the old one, whose tree is
     * deleted. Call it holding the image's lock.
     */
    void replace(String name, Build build) throws IOException, InterruptedException {
        removeLeftovers(name);
        Path building = folder.resolve("." + name + ".build-" + UUID.randomUUID());
        try {
            build.into(building);
            Path dir = dir(name);
            Path old = folder.resolve("." + name + ".old-" + UUID.randomUUID());
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
            Trees.delete(old);
        } finally {
            Trees.delete(building);
        }
    }

    /** Half-built trees from a build that crashed, and old trees a rebuild could not delete. */
    private void removeLeftovers(String name) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("." + name + ".build-") || n.startsWith("." + name + ".old-")) {
                    Trees.delete(p);
                }
            }
        }
    }

    /**
     * A cached image's metadata, when its folder has the file and the image was made from this recipe
     * (the file's {@code recipeHash} is the given one); empty when there is none or it cannot be read.
     */
    Optional<JsonNode> metadata(String name, String file, String recipeHash) {
        Path meta = dir(name).resolve(file);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            JsonNode j = JSON.readTree(meta.toFile());
            return j.path("recipeHash").asText().equals(recipeHash) ? Optional.of(j) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes an image's metadata file whole or not at all (its presence says the image is complete). */
    static void writeMetadata(Path file, JsonNode metadata) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), metadata);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What an image was made from: its recipe and the files of Kiln's that go into it (resources beside
     * this class). A cached image whose hash differs was made by another version of Kiln.
     */
    static String recipeHash(String recipe, List<String> resources) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(recipe.getBytes(StandardCharsets.UTF_8));
            for (String name : resources) {
                try (InputStream in = CacheFolder.class.getResourceAsStream(name)) {
                    md.update(name.getBytes(StandardCharsets.UTF_8));
                    md.update(in == null ? new byte[0] : in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot read Kiln's own base image files", e);
        }
    }
}
