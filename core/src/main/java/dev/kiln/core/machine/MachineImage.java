package dev.kiln.core.machine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A machine image in one region's image store: Kiln's AMI. Its disk file is never modified after
 * registration; a new image is a new file.
 *
 * @param imageId        {@code ami-} and 17 hex digits
 * @param ownerId        the owning account, or {@code aws} for Kiln-managed base images
 * @param architecture   {@code x86_64}
 * @param state          {@code available}, {@code pending}, {@code failed}, {@code deregistered}
 * @param disk           the qcow2 file
 * @param diskSha256     hex SHA-256 of the disk file as registered
 * @param launchUserIds  accounts besides the owner that may launch it
 * @param publicLaunch   whether every account may launch it (launch permission group {@code all})
 */
public record MachineImage(String imageId, String region, String name, String description, String ownerId,
                           String architecture, Instant creationDate, String state, int rootVolumeSizeGiB,
                           Map<String, String> tags, Path disk, String diskSha256, Boot boot,
                           Set<String> launchUserIds, boolean publicLaunch) {
    public MachineImage {
        tags = Map.copyOf(tags);
        launchUserIds = Set.copyOf(launchUserIds);
    }

    /** Whether an account may launch this image: its owner, a listed account, or anyone when public. */
    public boolean launchableBy(String accountId) {
        return publicLaunch || ownerId.equals(accountId) || launchUserIds.contains(accountId);
    }
}
