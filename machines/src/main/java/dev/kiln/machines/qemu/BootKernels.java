package dev.kiln.machines.qemu;

import dev.kiln.machines.host.HostFiles;
import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.base.Vmlinux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel file QEMU loads for an image: the uncompressed vmlinux inside its bzImage when there is
 * one, so that the guest does not decompress itself under TCG (about 0.5-1.5 s of a 14 s boot to SSH
 * on a quiet host, more under load: bench/vm-boot.sh). The vmlinux is taken out once per kernel (by
 * SHA-256) into a cache folder, or found beside the kernel (a base image's {@code vmlinux}).
 */
final class BootKernels {
    private final Path cacheFolder;

    /** @param cacheFolder where extracted kernels are kept; null: in each instance's work folder */
    BootKernels(Path cacheFolder) {
        this.cacheFolder = cacheFolder;
    }

    Path bootable(Path kernel, Path workFolder, BuildLog log) throws IOException {
        if (kernel.getFileName().toString().equals("vmlinuz")) {
            Path beside = kernel.resolveSibling("vmlinux");
            if (Files.isRegularFile(beside)) {
                return beside;
            }
        }
        Path folder = cacheFolder != null ? cacheFolder : workFolder;
        Files.createDirectories(folder);
        Path vmlinux = folder.resolve(HostFiles.sha256(kernel) + ".vmlinux");
        if (Files.isRegularFile(vmlinux)) {
            return vmlinux;
        }
        long start = System.nanoTime();
        if (!Vmlinux.extract(kernel, vmlinux)) {
            log.info("the kernel " + kernel.getFileName() + " holds no xz-compressed vmlinux; booting it as it is");
            return kernel;
        }
        log.info("uncompressed the kernel " + kernel.getFileName() + " for a faster boot in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        return vmlinux;
    }
}
