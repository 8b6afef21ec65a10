package dev.kiln.core.machine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Each region's machine images (AMIs). Registration is atomic: an image is either fully there (disk
 * file complete, checksum recorded) or not visible at all.
 */
public interface ImageStore {

    /**
     * Registers a disk file as a new image. The file is moved into the store (or copied when it lies on
     * another file system); its checksum is computed here.
     *
     * @param template the image's metadata; its imageId, disk, diskSha256, creationDate and state are
     *                 filled in by the store (a null imageId gets a fresh one)
     */
    MachineImage register(MachineImage template, Path diskFile) throws IOException;

    Optional<MachineImage> find(String region, String imageId);

    /** Every image in a region, newest first. */
    List<MachineImage> list(String region);

    /** Replaces an image's metadata (tags, launch permissions, description, state); never its disk. */
    MachineImage update(MachineImage image) throws IOException;

    /**
     * Copies an image (its disk, and its kernel and initrd when it boots them) into the template's
     * region as a new image with the template's metadata (name, description, owner, tags, launch
     * permissions); the copy's checksum must equal the source's, or nothing is registered.
     *
     * @throws IOException when the copy fails or its checksum differs
     */
    MachineImage copy(MachineImage source, MachineImage template) throws IOException;

    /** Removes an image and its files. */
    void deregister(String region, String imageId) throws IOException;
}
