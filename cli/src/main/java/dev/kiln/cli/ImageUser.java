package dev.kiln.cli;

import dev.kiln.core.machine.MachineImage;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Who uses an image, and where: the options of the commands that write an image out or boot it. */
final class ImageUser {
    @Option(names = "--region", defaultValue = "us-east-1", description = "Region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--account", description = "The account acting: it must own the image, or the image must be"
            + " shared with it or public (default: Kiln's first account).")
    String account;

    @Mixin
    DataOptions data;

    /** The image, which this account must be allowed to use. */
    MachineImage find(String imageId) {
        return new LocalImages(data).findUsable(region, imageId, account);
    }
}
