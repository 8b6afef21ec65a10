package dev.kiln.core.image;

/**
 * What a started image's build is to do. The API says it to the build worker with each start
 * ({@link ImageBuildEvents#started}); it is not a member of the stored image.
 */
public enum BuildIntent {
    /** Build, test and distribute: CreateImage, a pipeline run, RetryImage of an image never tested. */
    BUILD,
    /**
     * Distribute the tested machine image on record again, without building, keeping the copies made
     * before: DistributeImage, and RetryImage of an image whose distribution failed.
     */
    DISTRIBUTE;

    /**
     * The intent a PENDING image's record implies, for a start no one told the worker of: an image
     * still waiting when Kiln starts again, or one built by hand. Only a distribution-only start leaves
     * a PENDING image with copies already in its {@code outputResources.amis} (a new image has none,
     * and RetryImage empties the outputs of an image it rebuilds), so the record says it without a
     * member of its own.
     */
    public static BuildIntent of(ImageRecord pending) {
        return pending.amis().size() > 0 ? DISTRIBUTE : BUILD;
    }
}
