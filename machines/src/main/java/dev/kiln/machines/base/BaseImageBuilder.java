package dev.kiln.machines.base;

import dev.kiln.common.files.Trees;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.machines.host.HostFiles;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes one base image in a folder: mmdebstrap into {@code rootfs/} (configured by the hooks beside
 * this class: {@code setup.sh} before packages are installed, {@code customize.sh} after), the kernel
 * and initrd copied out, the kernel also uncompressed, and the tree written as an ext4 file system
 * filling a qcow2 disk. {@code image.json} is written last.
 */
record BaseImageBuilder(Mmdebstrap mmdebstrap, Clock clock) {
    static final String METADATA = "image.json";
    /** The files that go into the new root with the hooks; scripts are made executable. */
    static final List<String> HOOK_FILES = List.of("setup.sh", "customize.sh", "kiln-seed", "kiln-seed.service",
            "kiln-user-data", "kiln-user-data.service");
    private static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(45);
    private static final Duration DISK_TIMEOUT = Duration.ofMinutes(15);

    void build(BaseImageRecipe recipe, Path dir, BuildLog log) throws IOException, InterruptedException {
        String mkfs = HostPrograms.require("mkfs.ext4").toString();
        String qemuImg = HostPrograms.require("qemu-img").toString();
        Path rootfs = dir.resolve("rootfs");
        Mmdebstrap.Made made = mmdebstrap.make(dir, new Mmdebstrap.Request("base image " + recipe.name(),
                recipe.suite(), HOOK_FILES, "setup.sh", "customize.sh", List.of("--format=directory",
                        "--include=" + String.join(",", recipe.packages())),
                rootfs, MMDEBSTRAP_TIMEOUT, "1-2 minutes"), log);
        Instant start = made.start();
        Instant strapped = made.strapped();

        Path kernel = dir.resolve("vmlinuz");
        Path initrd = dir.resolve("initrd.img");
        Files.copy(insideRoot(rootfs, "vmlinuz"), kernel, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(insideRoot(rootfs, "initrd.img"), initrd, StandardCopyOption.REPLACE_EXISTING);
        Path vmlinux = dir.resolve("vmlinux");
        boolean haveVmlinux = Vmlinux.extract(kernel, vmlinux);
        if (!haveVmlinux) {
            log.info("base image " + recipe.name() + ": the kernel is not xz-compressed; no uncompressed vmlinux");
        }

        log.info("base image " + recipe.name() + ": writing the root tree as a " + recipe.sizeGiB()
                + " GiB ext4 disk");
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength((long) recipe.sizeGiB() << 30);
        }
        HostPrograms.run(List.of(mkfs, "-q", "-F", "-L", "rootfs", "-d", rootfs.toString(), raw.toString()),
                DISK_TIMEOUT, log, "mkfs.ext4");
        Path disk = dir.resolve("disk.qcow2");
        HostPrograms.run(List.of(qemuImg, "convert", "-f", "raw", "-O", "qcow2", raw.toString(), disk.toString()),
                DISK_TIMEOUT, log, "qemu-img");
        Files.delete(raw);
        Trees.delete(made.hooks());

        ObjectNode meta = made.metadata(recipe.name(), recipe.description());
        meta.put("disk", disk.getFileName().toString());
        meta.put("diskSha256", HostFiles.sha256(disk));
        meta.put("kernel", kernel.getFileName().toString());
        meta.put("initrd", initrd.getFileName().toString());
        if (haveVmlinux) {
            meta.put("vmlinux", vmlinux.getFileName().toString());
        }
        meta.put("kernelVersion", insideRoot(rootfs, "vmlinuz").getFileName().toString().replace("vmlinuz-", ""));
        meta.put("kernelArgs", recipe.kernelArgs());
        meta.put("recipeHash", recipeHash(recipe));
        meta.put("sizeGiB", recipe.sizeGiB());
        meta.put("builtAt", clock.instant().toString());
        meta.put("mmdebstrapSeconds", Duration.between(start, strapped).toSeconds());
        meta.put("buildSeconds", Duration.between(start, clock.instant()).toSeconds());
        CacheFolder.writeMetadata(dir.resolve(METADATA), meta);
        log.info("base image " + recipe.name() + ": built in " + Duration.between(start, clock.instant()).toSeconds()
                + " s (mmdebstrap " + Duration.between(start, strapped).toSeconds() + " s)");
    }

    /**
     * What the image was made from: the recipe and the hook files. A cached image whose hash differs was
     * made by another version of Kiln and is built again.
     */
    static String recipeHash(BaseImageRecipe recipe) {
        return CacheFolder.recipeHash(recipe.toString(), HOOK_FILES);
    }

    /** Writes resources beside this class into a folder, the scripts among them executable. */
    static Path writeHooks(Path hooks, List<String> names) throws IOException {
        Files.createDirectories(hooks);
        for (String name : names) {
            Path file = hooks.resolve(name);
            try (InputStream in = BaseImageBuilder.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + name + " is missing from Kiln's jar");
                }
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            boolean script = !name.endsWith(".service");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(script ? "rwxr-xr-x" : "rw-r--r--"));
        }
        return hooks;
    }

    /** Follows a symlink such as {@code /vmlinuz} inside the new root, not on the host. */
    static Path insideRoot(Path rootfs, String link) throws IOException {
        Path p = rootfs.resolve(link);
        for (int hops = 0; hops < 10 && Files.isSymbolicLink(p); hops++) {
            Path target = Files.readSymbolicLink(p);
            p = target.isAbsolute() ? rootfs.resolve(target.toString().substring(1)) : p.resolveSibling(target);
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the new root has no /" + link + " (" + p + "): did linux-image-amd64 install?");
        }
        return p.normalize();
    }


}
