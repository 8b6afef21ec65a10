package dev.kiln.machines.base;

import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A Kiln-managed base image as cached on this host: the configured root tree (the lower dir for
 * sandboxes) and the same tree as a qcow2 disk whose whole device is the root file system, booted
 * with {@code -kernel}/{@code -initrd} and {@code root=/dev/vda}.
 *
 * @param vmlinux    the kernel uncompressed (PVH entry), for the fast probe boot; null when it could not be
 *                   taken out of the bzImage
 * @param kernelArgs kernel arguments besides the console and root ones the QEMU backend adds
 */
public record BaseImage(String name, Path rootfs, Path disk, String diskSha256, Path kernel, Path initrd,
                        Path vmlinux, String kernelArgs, int sizeGiB, Instant builtAt) {

    /** This image as an AMI owned by {@code aws}, booting its kernel directly. */
    public MachineImage asMachineImage(String region, String imageId, String name) {
        return MachineImage.builder().setImageId(imageId).setRegion(region).setName(name)
                .setDescription(BaseImageRecipe.named(this.name).description()).setOwnerId("aws")
                .setCreationDate(builtAt).setState("available").setRootVolumeSizeGiB(sizeGiB)
                .setTags(Map.of("kiln:base-image", this.name)).setDisk(disk).setDiskSha256(diskSha256)
                .setBoot(new Boot(Boot.Mode.KERNEL, kernel, initrd, kernelArgs)).setPublicLaunch(true).build();
    }
}
