package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.log.BuildLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM base image cache reads what a build left, without building (the builds are in BaseImageCacheIT). */
class BaseImageCacheTest {
    @TempDir
    Path folder;

    private Path cachedImage(String recipeHash) throws Exception {
        Path dir = Files.createDirectories(folder.resolve("debian-12"));
        Files.createDirectories(dir.resolve("rootfs"));
        for (String f : List.of("disk.qcow2", "vmlinuz", "initrd.img")) {
            Files.writeString(dir.resolve(f), f);
        }
        Files.writeString(dir.resolve("image.json"), """
                {"recipeHash": "%s", "disk": "disk.qcow2", "diskSha256": "abc", "kernel": "vmlinuz",
                 "initrd": "initrd.img", "kernelArgs": "quiet", "sizeGiB": 8, "builtAt": "2026-11-26T10:00:00Z"}
                """.formatted(recipeHash));
        return dir;
    }

    @Test
    void anImageMadeFromThisRecipeIsCachedUnderBothNames() throws Exception {
        Path dir = cachedImage(BaseImageBuilder.recipeHash(BaseImageRecipe.DEBIAN_12));
        BaseImageCache cache = new BaseImageCache(folder);
        BaseImage image = cache.cached("debian-12").orElseThrow();
        assertThat(image.disk()).isEqualTo(dir.resolve("disk.qcow2"));
        assertThat(image.vmlinux()).isNull();
        assertThat(image.kernelArgs()).isEqualTo("quiet");
        assertThat(cache.cached("debian-12-x86")).contains(image);
        List<String> lines = new ArrayList<>();
        assertThat(cache.ensure("debian-12-x86", BuildLog.discarding(Clock.systemUTC()).follow(lines::add)))
                .isEqualTo(image);
        assertThat(lines).isEmpty();
    }

    @Test
    void anImageMadeFromAnotherRecipeOrIncompleteIsNotCached() throws Exception {
        Path dir = cachedImage("0000");
        assertThat(new BaseImageCache(folder).cached("debian-12")).isEmpty();
        cachedImage(BaseImageBuilder.recipeHash(BaseImageRecipe.DEBIAN_12));
        Files.delete(dir.resolve("initrd.img"));
        assertThat(new BaseImageCache(folder).cached("debian-12")).isEmpty();
        assertThat(new BaseImageCache(folder).cached("centos-7")).isEmpty();
    }
}
