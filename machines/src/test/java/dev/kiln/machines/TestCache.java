package dev.kiln.machines;

import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.BaseImageCache;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The cache the integration tests share across runs ({@code $KILN_TEST_CACHE}, by default
 * /var/tmp/kiln-test-cache): the Kiln-managed base images, and the Debian one the VM tests boot,
 * built once (about a minute from the mirror) and reused. Nothing to start or stop, so no extension:
 * one place for the folder and the image.
 */
public final class TestCache {
    /** Where the base images are kept. */
    public static final Path BASE_IMAGES = Path.of(System.getenv().getOrDefault("KILN_TEST_CACHE",
            "/var/tmp/kiln-test-cache")).resolve("base-images");
    /** A build log printed as it goes. */
    public static final BuildLog LOG = BuildLog.discarding(Clock.systemUTC()).follow(System.out::println);
    private static BaseImage debian;

    private TestCache() {
    }

    /** The Debian 12 base image, built into the cache the first time. */
    public static synchronized BaseImage debian() throws Exception {
        if (debian == null) {
            debian = new BaseImageCache(BASE_IMAGES).ensure("debian-12", LOG);
        }
        return debian;
    }
}
