package dev.kiln.core.machine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A machine image in one region's image store: Kiln's AMI. Its disk file is never modified after
 * registration; a new image is a new file.
 *
 * <p>Made with {@link #builder()}, or from another image with {@link #toBuilder()}.
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

    /**
     * A new image, everything unset (null) but the architecture ({@code x86_64}), no tags, no launch
     * permissions besides the owner's.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding everything this image has, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().setImageId(imageId).setRegion(region).setName(name).setDescription(description)
                .setOwnerId(ownerId).setArchitecture(architecture).setCreationDate(creationDate).setState(state)
                .setRootVolumeSizeGiB(rootVolumeSizeGiB).setTags(tags).setDisk(disk).setDiskSha256(diskSha256)
                .setBoot(boot).setLaunchUserIds(launchUserIds).setPublicLaunch(publicLaunch);
    }

    /** Whether an account may launch this image: its owner, a listed account, or anyone when public. */
    public boolean launchableBy(String accountId) {
        return publicLaunch || ownerId.equals(accountId) || launchUserIds.contains(accountId);
    }

    /** Builds a {@link MachineImage}; each setter answers the builder. */
    public static final class Builder {
        private String imageId;
        private String region;
        private String name;
        private String description;
        private String ownerId;
        private String architecture = "x86_64";
        private Instant creationDate;
        private String state;
        private int rootVolumeSizeGiB;
        private Map<String, String> tags = Map.of();
        private Path disk;
        private String diskSha256;
        private Boot boot;
        private Set<String> launchUserIds = Set.of();
        private boolean publicLaunch;

        private Builder() {
        }

        public Builder setImageId(String imageId) {
            this.imageId = imageId;
            return this;
        }

        public Builder setRegion(String region) {
            this.region = region;
            return this;
        }

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setDescription(String description) {
            this.description = description;
            return this;
        }

        public Builder setOwnerId(String ownerId) {
            this.ownerId = ownerId;
            return this;
        }

        public Builder setArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder setCreationDate(Instant creationDate) {
            this.creationDate = creationDate;
            return this;
        }

        public Builder setState(String state) {
            this.state = state;
            return this;
        }

        public Builder setRootVolumeSizeGiB(int rootVolumeSizeGiB) {
            this.rootVolumeSizeGiB = rootVolumeSizeGiB;
            return this;
        }

        public Builder setTags(Map<String, String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder setDisk(Path disk) {
            this.disk = disk;
            return this;
        }

        public Builder setDiskSha256(String diskSha256) {
            this.diskSha256 = diskSha256;
            return this;
        }

        public Builder setBoot(Boot boot) {
            this.boot = boot;
            return this;
        }

        public Builder setLaunchUserIds(Set<String> launchUserIds) {
            this.launchUserIds = launchUserIds;
            return this;
        }

        public Builder setPublicLaunch(boolean publicLaunch) {
            this.publicLaunch = publicLaunch;
            return this;
        }

        public MachineImage build() {
            return new MachineImage(imageId, region, name, description, ownerId, architecture, creationDate, state,
                    rootVolumeSizeGiB, tags, disk, diskSha256, boot, launchUserIds, publicLaunch);
        }
    }
}
