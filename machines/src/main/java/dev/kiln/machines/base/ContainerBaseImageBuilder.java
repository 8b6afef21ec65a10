package dev.kiln.machines.base;

import dev.kiln.common.files.Trees;
import dev.kiln.machines.host.HostPrograms;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.log.BuildLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one container base image in a folder: mmdebstrap writes the root file system as a tar, which
 * becomes the one layer of an OCI image layout in {@code oci/}; the tar is then dropped.
 * {@code image.json} is written last.
 */
final class ContainerBaseImageBuilder {
    static final String METADATA = "image.json";
    static final String LAYOUT = "oci";
    private static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path aptFolder;
    private final Clock clock;

    ContainerBaseImageBuilder(Path aptFolder, Clock clock) {
        this.aptFolder = aptFolder;
        this.clock = clock;
    }

    void build(ContainerBaseImageRecipe recipe, Path dir, BuildLog log) throws IOException, InterruptedException {
        String mmdebstrap = HostPrograms.require("mmdebstrap", "mmdebstrap").toString();
        Instant start = clock.instant();
        Files.createDirectories(dir);
        Path hooks = BaseImageBuilder.writeHooks(dir.resolve("hooks"), ContainerBaseImageRecipe.HOOK_FILES);
        DebianMirror mirror = DebianMirror.detect(aptFolder);
        Path tar = dir.resolve("rootfs.tar");
        log.info("container base image " + recipe.name() + ": mmdebstrap --variant=minbase " + recipe.suite()
                + " from " + mirror.archive() + " (about 15 s)");
        List<String> command = new ArrayList<>(List.of(mmdebstrap, "--variant=minbase", "--format=tar",
                "--components=main", "--aptopt=Acquire::Retries \"3\";",
                // No device nodes in the layer: runtimes mount their own /dev, and a rootless pull cannot make them.
                "--skip=output/dev",
                // mmdebstrap would delete its own policy-rc.d at the end; the setup hook writes the one that stays.
                "--skip=chroot/policy-rc.d",
                "--setup-hook=" + hooks.resolve("container-setup.sh"),
                "--customize-hook=" + hooks.resolve("container-customize.sh"),
                recipe.suite(), tar.toString()));
        command.addAll(mirror.sourceLines(recipe.suite()));
        HostPrograms.run(command, MMDEBSTRAP_TIMEOUT, log, "mmdebstrap");
        Instant strapped = clock.instant();
        long tarSize = Files.size(tar);

        log.info("container base image " + recipe.name() + ": writing the " + (tarSize >> 20)
                + " MB root file system as an OCI image layout");
        OciLayout.Written written = OciLayout.write(tar, new OciLayout.Image(recipe.version(), recipe.architecture(),
                recipe.env(), recipe.cmd(), recipe.labels(strapped), strapped,
                "mmdebstrap --variant=minbase " + recipe.suite() + " (Kiln " + recipe.name() + ")"),
                dir.resolve(LAYOUT));
        Instant layered = clock.instant();
        Files.delete(tar);
        Trees.delete(hooks);

        ObjectNode meta = JSON.createObjectNode();
        meta.put("name", recipe.name());
        meta.put("description", recipe.description());
        meta.put("suite", recipe.suite());
        meta.put("mirror", mirror.archive());
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
