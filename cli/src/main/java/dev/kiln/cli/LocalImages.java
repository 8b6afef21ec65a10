package dev.kiln.cli;

import dev.kiln.core.machine.MachineImage;
import dev.kiln.machines.image.FileImageStore;
import dev.kiln.server.ec2.ImageAccess;
import java.time.Clock;

/** The machine images in a data folder's image store, as the commands that list, export or boot them see them. */
final class LocalImages {
    private final DataOptions data;

    LocalImages(DataOptions data) {
        this.data = data;
    }

    FileImageStore store() {
        return new FileImageStore(data.dataDir.toAbsolutePath().resolve("regions"), Clock.systemUTC());
    }

    MachineImage find(String region, String imageId) {
        return store().find(region, imageId).orElseThrow(() -> new UserError("no image " + imageId + " in "
                + region + " (see kiln images list --region " + region + ")", ExitCodes.FAILED));
    }

    /**
     * An image the account may use (it owns it, it is shared with it, or it is public), by the same rule
     * as the EC2 API's; {@code account} null means Kiln's first account.
     */
    MachineImage findUsable(String region, String imageId, String account) {
        MachineImage image = find(region, imageId);
        String caller = data.accountOrDefault(account);
        if (!ImageAccess.usableBy(image, caller)) {
            throw new UserError("account " + caller + " may not use " + imageId + ": it belongs to account "
                    + image.ownerId() + ", which has not shared it (its owner can, with aws ec2"
                    + " modify-image-attribute --image-id " + imageId + " --launch-permission \"Add=[{UserId="
                    + caller + "}]\"); or give --account with an account that may use it", ExitCodes.FAILED);
        }
        return image;
    }
}
