package dev.kiln.machines.base;

import dev.kiln.common.files.Trees;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes one container base image in a folder: mmdebstrap writes the root file system as a tar, which
 * becomes the one layer of an OCI image layout in {@code oci/}; the tar is then dropped.
 * {@code image.json} is written last.
 */
record ContainerBaseImageBuilder(Mmdebstrap mmdebstrap, Clock clock) {
    static final String METADATA = "image.json";
    static final String LAYOUT = "oci";
    private static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(30);

    void build(ContainerBaseImageRecipe recipe, Path dir, BuildLog log) throws IOException, InterruptedException {
        Path tar = dir.resolve("rootfs.tar");
        Mmdebstrap.Made made = mmdebstrap.make(dir, new Mmdebstrap.Request("container base image " + recipe.name(),
                recipe.suite(), ContainerBaseImageRecipe.HOOK_FILES, "container-setup.sh", "container-customize.sh",
                List.of("--format=tar",
                        // No device nodes in the layer: runtimes mount their own /dev, and a rootless pull cannot
                        // make them.
                        "--skip=output/dev",
                        // mmdebstrap would delete its own policy-rc.d at the end; the setup hook writes the one
                        // that stays.
                        "--skip=chroot/policy-rc.d"),
                tar, MMDEBSTRAP_TIMEOUT, "about 15 s"), log);
        Instant start = made.start();
        Instant strapped = made.strapped();
        long tarSize = Files.size(tar);

        log.info("container base image " + recipe.name() + ": writing the " + (tarSize >> 20)
                + " MB root file system as an OCI image layout");
        OciLayout.Written written = OciLayout.write(tar, new OciLayout.Image(recipe.version(), recipe.architecture(),
                recipe.env(), recipe.cmd(), recipe.labels(strapped), strapped,
                "mmdebstrap --variant=minbase " + recipe.suite() + " (Kiln " + recipe.name() + ")"),
                dir.resolve(LAYOUT));
        Instant layered = clock.instant();
        Files.delete(tar);
        Trees.delete(made.hooks());

        ObjectNode meta = made.metadata(recipe.name(), recipe.description());
        meta.put("repository", recipe.repository());
        meta.put("tag", recipe.version());
        meta.put("layout", LAYOUT);
        meta.put("manifestDigest", written.manifest().digest());
        meta.put("configDigest", written.config().digest());
        meta.put("layerDigest", written.layer().digest());
        meta.put("layerSize", written.layer().size());
        meta.put("diffId", written.diffId());
        meta.put("tarSize", tarSize);
        meta.put("recipeHash", recipe.hash());
        meta.put("builtAt", clock.instant().toString());
        meta.put("mmdebstrapSeconds", seconds(start, strapped));
        meta.put("layoutSeconds", seconds(strapped, layered));
        CacheFolder.writeMetadata(dir.resolve(METADATA), meta);
        log.info(String.format("container base image %s: built in %.1f s (mmdebstrap %.1f s, %d MB layer in %.1f s)",
                recipe.name(), seconds(start, clock.instant()), seconds(start, strapped),
                written.layer().size() >> 20, seconds(strapped, layered)));
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
