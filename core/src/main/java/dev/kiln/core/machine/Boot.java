package dev.kiln.core.machine;

import java.nio.file.Path;

/**
 * How an image boots. Kiln's own images boot their kernel directly ({@link Mode#KERNEL}: no bootloader
 * on the disk, the root file system is the whole of {@code /dev/vda}); images a user imports boot with
 * their own bootloader from the disk ({@link Mode#FIRMWARE}) and usually bring cloud-init.
 *
 * @param kernel     the kernel (bzImage) beside the disk file; null for FIRMWARE
 * @param initrd     its initial ramdisk, or null
 * @param kernelArgs command line without the console and root arguments Kiln adds, e.g. {@code quiet}
 */
public record Boot(Mode mode, Path kernel, Path initrd, String kernelArgs) {
    public enum Mode { KERNEL, FIRMWARE }

    public static Boot firmware() {
        return new Boot(Mode.FIRMWARE, null, null, "");
    }
}
