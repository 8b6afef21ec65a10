package dev.kiln.server.ec2;

import dev.kiln.core.machine.MachineImage;

/**
 * Who may see and use a machine image, the same for the EC2 API and {@code kiln images}: its owner,
 * the accounts it is shared with, everyone when it is public, and everyone for Kiln-managed images.
 */
public final class ImageAccess {
    /** The owner id of Kiln-managed images, which EC2 calls {@code amazon}. */
    public static final String KILN_OWNER = "aws";

    private ImageAccess() {
    }

    /** Whether an account may see, launch, export and copy an image. */
    public static boolean usableBy(MachineImage image, String accountId) {
        return image.launchableBy(accountId) || KILN_OWNER.equals(image.ownerId());
    }

    /** Whether an image is public (launch permission group {@code all}). */
    public static boolean isPublic(MachineImage image) {
        return image.publicLaunch() || KILN_OWNER.equals(image.ownerId());
    }
}
