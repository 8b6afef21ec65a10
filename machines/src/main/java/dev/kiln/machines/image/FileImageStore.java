package dev.kiln.machines.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.host.HostFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Machine images as files: {@code <data>/regions/<region>/images/<ami-id>.qcow2} with its metadata in
 * {@code <ami-id>.json} beside it (and the kernel and initrd it boots, {@code <ami-id>.kernel},
 * {@code <ami-id>.initrd}). An image is visible once its metadata file exists, and that file is
 * written last, by an atomic rename, after the disk is complete: a crash never leaves a half-registered
 * image visible, only stray files that {@link #sweep} removes.
 */
public final class FileImageStore implements ImageStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern IMAGE_ID = Pattern.compile("ami-[0-9a-f]{17}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path regionsFolder;
    private final Clock clock;

    /** @param regionsFolder {@code <data>/regions} */
    public FileImageStore(Path regionsFolder, Clock clock) {
        this.regionsFolder = regionsFolder;
        this.clock = clock;
    }

    public Path imagesFolder(String region) {
        return regionsFolder.resolve(region).resolve("images");
    }

    @Override
    public synchronized MachineImage register(MachineImage template, Path diskFile) throws IOException {
        String region = template.region();
        Path folder = imagesFolder(region);
        Files.createDirectories(folder);
        String imageId = template.imageId() != null ? template.imageId() : newImageId(region);
        if (!IMAGE_ID.matcher(imageId).matches()) {
            throw new IllegalArgumentException("not an image id: " + imageId);
        }
        Path disk = folder.resolve(imageId + ".qcow2");
        moveIn(diskFile, disk);
        Boot boot = template.boot();
        if (boot.mode() == Boot.Mode.KERNEL) {
            boot = new Boot(Boot.Mode.KERNEL, copyIn(boot.kernel(), folder.resolve(imageId + ".kernel")),
                    boot.initrd() == null ? null : copyIn(boot.initrd(), folder.resolve(imageId + ".initrd")),
                    boot.kernelArgs());
        }
        MachineImage image = template.toBuilder().setImageId(imageId).setCreationDate(clock.instant())
                .setState("available").setDisk(disk).setDiskSha256(HostFiles.sha256(disk)).setBoot(boot).build();
        writeMetadata(image);
        return image;
    }

    @Override
    public MachineImage copy(MachineImage source, MachineImage template) throws IOException {
        Path folder = imagesFolder(template.region());
        Files.createDirectories(folder);
        Path disk = Files.createTempFile(folder, "copy-", ".qcow2.tmp");
        MachineImage copy;
        try {
            Files.copy(source.disk(), disk, StandardCopyOption.REPLACE_EXISTING);
            copy = register(template.toBuilder().setImageId(null).setArchitecture(source.architecture())
                    .setRootVolumeSizeGiB(source.rootVolumeSizeGiB()).setBoot(source.boot()).build(), disk);
        } finally {
            Files.deleteIfExists(disk);
        }
        if (!copy.diskSha256().equals(source.diskSha256())) {
            deregister(copy.region(), copy.imageId());
            throw new IOException("the copy of " + source.imageId() + " in " + template.region()
                    + " does not have the source's checksum (" + copy.diskSha256() + " instead of "
                    + source.diskSha256() + "); it was removed");
        }
        return copy;
    }

    @Override
    public Optional<MachineImage> find(String region, String imageId) {
        if (!IMAGE_ID.matcher(imageId).matches()) {
            return Optional.empty();
        }
        return read(imagesFolder(region).resolve(imageId + ".json"));
    }

    @Override
    public List<MachineImage> list(String region) {
        List<MachineImage> images = new ArrayList<>();
        Path folder = imagesFolder(region);
        if (!Files.isDirectory(folder)) {
            return images;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "ami-*.json")) {
            for (Path f : files) {
                read(f).ifPresent(images::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        images.sort(Comparator.comparing(MachineImage::creationDate).reversed().thenComparing(MachineImage::imageId));
        return images;
    }

    @Override
    public synchronized MachineImage update(MachineImage image) throws IOException {
        MachineImage stored = find(image.region(), image.imageId())
                .orElseThrow(() -> new NoSuchFileException("no image " + image.imageId() + " in " + image.region()));
        MachineImage updated = stored.toBuilder().setName(image.name()).setDescription(image.description())
                .setState(image.state()).setTags(image.tags()).setLaunchUserIds(image.launchUserIds())
                .setPublicLaunch(image.publicLaunch()).build();
        writeMetadata(updated);
        return updated;
    }

    @Override
    public synchronized void deregister(String region, String imageId) throws IOException {
        if (!IMAGE_ID.matcher(imageId).matches()) {
            return;
        }
        Path folder = imagesFolder(region);
        // Metadata first: from then on the image is gone, whatever happens to the rest.
        Files.deleteIfExists(folder.resolve(imageId + ".json"));
        for (String suffix : List.of(".qcow2", ".kernel", ".initrd")) {
            Files.deleteIfExists(folder.resolve(imageId + suffix));
        }
    }

    /**
     * Removes files no registered image owns: disks a crash left mid-registration and temporary files.
     *
     * @return how many files were removed
     */
    public int sweep(String region) throws IOException {
        Path folder = imagesFolder(region);
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                boolean owned = IMAGE_ID.matcher(id).matches() && Files.exists(folder.resolve(id + ".json"))
                        && !name.endsWith(".tmp");
                if (!owned && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private String newImageId(String region) {
        while (true) {
            byte[] bytes = new byte[9];
            RANDOM.nextBytes(bytes);
            String id = "ami-" + HexFormat.of().formatHex(bytes).substring(0, 17);
            if (!Files.exists(imagesFolder(region).resolve(id + ".json"))) {
                return id;
            }
        }
    }

    private static void moveIn(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.move(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        atomicMove(tmp, target);
    }

    private static Path copyIn(Path source, Path target) throws IOException {
        if (source == null) {
            throw new IllegalArgumentException("a KERNEL-booted image needs its kernel file");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        atomicMove(tmp, target);
        return target;
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }


    private void writeMetadata(MachineImage image) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("imageId", image.imageId());
        json.put("region", image.region());
        json.put("name", image.name());
        json.put("description", image.description());
        json.put("ownerId", image.ownerId());
        json.put("architecture", image.architecture());
        json.put("creationDate", image.creationDate().toString());
        json.put("state", image.state());
        json.put("rootVolumeSizeGiB", image.rootVolumeSizeGiB());
        ObjectNode tags = json.putObject("tags");
        image.tags().forEach(tags::put);
        json.put("disk", image.disk().getFileName().toString());
        json.put("diskSha256", image.diskSha256());
        ObjectNode boot = json.putObject("boot");
        boot.put("mode", image.boot().mode().name());
        if (image.boot().kernel() != null) {
            boot.put("kernel", image.boot().kernel().getFileName().toString());
        }
        if (image.boot().initrd() != null) {
            boot.put("initrd", image.boot().initrd().getFileName().toString());
        }
        boot.put("kernelArgs", image.boot().kernelArgs());
        var users = json.putArray("launchUserIds");
        image.launchUserIds().stream().sorted().forEach(users::add);
        json.put("publicLaunch", image.publicLaunch());
        Path target = imagesFolder(image.region()).resolve(image.imageId() + ".json");
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(json));
        atomicMove(tmp, target);
    }

    private Optional<MachineImage> read(Path metadata) {
        if (!Files.exists(metadata)) {
            return Optional.empty();
        }
        try {
            JsonNode j = JSON.readTree(metadata.toFile());
            Path folder = metadata.getParent();
            Map<String, String> tags = new LinkedHashMap<>();
            j.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            JsonNode b = j.path("boot");
            Boot boot = new Boot(Boot.Mode.valueOf(b.path("mode").asText("KERNEL")),
                    b.hasNonNull("kernel") ? folder.resolve(b.get("kernel").asText()) : null,
                    b.hasNonNull("initrd") ? folder.resolve(b.get("initrd").asText()) : null,
                    b.path("kernelArgs").asText(""));
            Set<String> users = new LinkedHashSet<>();
            j.path("launchUserIds").forEach(u -> users.add(u.asText()));
            return Optional.of(MachineImage.builder().setImageId(j.path("imageId").asText())
                    .setRegion(j.path("region").asText()).setName(j.path("name").asText())
                    .setDescription(j.path("description").asText(null)).setOwnerId(j.path("ownerId").asText())
                    .setArchitecture(j.path("architecture").asText("x86_64"))
                    .setCreationDate(Instant.parse(j.path("creationDate").asText()))
                    .setState(j.path("state").asText("available"))
                    .setRootVolumeSizeGiB(j.path("rootVolumeSizeGiB").asInt())
                    .setTags(tags).setDisk(folder.resolve(j.path("disk").asText()))
                    .setDiskSha256(j.path("diskSha256").asText()).setBoot(boot).setLaunchUserIds(users)
                    .setPublicLaunch(j.path("publicLaunch").asBoolean(false)).build());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image metadata " + metadata, e);
        }
    }
}
