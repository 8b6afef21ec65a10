package dev.kiln.machines.qemu;

import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.BaseImageCache;
import java.nio.file.Path;
import java.time.Clock;

/** The Debian base image the VM tests boot, built once into the shared test cache. */
final class TestImages {
    static final Path CACHE = Path.of("/var/tmp/kiln-test-cache/base-images");
    static final BuildLog LOG = BuildLog.discarding(Clock.systemUTC()).follow(System.out::println);
    private static BaseImage debian;

    private TestImages() {
    }

    static synchronized BaseImage debian() throws Exception {
        if (debian == null) {
            debian = new BaseImageCache(CACHE).ensure("debian-12", LOG);
        }
        return debian;
    }
}
