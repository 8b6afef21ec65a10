package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootTreesTest {

    @TempDir
    Path dir;

    private final BuildLog log = BuildLog.discarding(Clock.systemUTC());

    @Test
    void registeredTreesOutliveARestart() throws Exception {
        Path layer = Files.createDirectories(dir.resolve("layer"));
        Path base = Files.createDirectories(dir.resolve("rootfs"));
        new RootTrees(dir.resolve("cache")).register("abc123", List.of(layer, base));

        RootTrees restarted = new RootTrees(dir.resolve("cache"));
        assertThat(restarted.lowerDirs(image("abc123", null), log)).containsExactly(layer, base);
    }

    @Test
    void aRegistrationOnAFolderThatWasReplacedSinceIsDropped() throws Exception {
        Path layer = Files.createDirectories(dir.resolve("layer"));
        Path base = Files.createDirectories(dir.resolve("rootfs"));
        new RootTrees(dir.resolve("cache")).register("abc123", List.of(layer, base));

        // A base image rebuild renames a new rootfs folder into the old one's place.
        Path rebuilt = Files.createDirectories(dir.resolve("rootfs.new"));
        Files.writeString(rebuilt.resolve("etc-os-release"), "newer");
        Files.delete(base);
        Files.move(rebuilt, base);

        assertThatThrownBy(() -> new RootTrees(dir.resolve("cache")).lowerDirs(image("abc123", dir.resolve("gone.qcow2")),
                log)).isInstanceOf(InstanceException.class).hasMessageContaining("has no registered root tree");
    }

    @Test
    void adoptingMovesTheLayerIntoTheCache() throws Exception {
        Path layer = Files.createDirectories(dir.resolve("capture/layer"));
        Files.writeString(layer.resolve("built"), "x");
        Path base = Files.createDirectories(dir.resolve("rootfs"));
        RootTrees trees = new RootTrees(dir.resolve("cache"));

        List<Path> lowers = trees.adopt("def456", List.of(layer, base));

        Path kept = dir.resolve("cache/def456.layer");
        assertThat(lowers).containsExactly(kept, base);
        assertThat(kept.resolve("built")).hasContent("x");
        assertThat(layer).doesNotExist();
        assertThat(trees.lowerDirs(image("def456", null), log)).containsExactly(kept, base);
    }

    @Test
    void aTooDeepStackIsNotRegisteredSoThatTheTreeIsExtractedFlat() throws Exception {
        List<Path> lowers = new java.util.ArrayList<>();
        for (int i = 0; i <= RootTrees.MAX_LAYERS; i++) {
            lowers.add(Files.createDirectories(dir.resolve("layer" + i)));
        }
        RootTrees trees = new RootTrees(dir.resolve("cache"));

        assertThat(trees.adopt("deep", lowers)).isEmpty();

        assertThat(lowers.get(0)).doesNotExist();
        assertThatThrownBy(() -> trees.lowerDirs(image("deep", null), log))
                .hasMessageContaining("has no registered root tree");
    }

    @Test
    void sweepRemovesDeadExtractionsButNotOnesWhoseImageIsLocked() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path dead = Files.createDirectories(cache.resolve(".kiln-extract-aaa~123/tree"));
        Path live = Files.createDirectories(cache.resolve(".kiln-extract-bbb~456/tree"));
        try (var channel = java.nio.channels.FileChannel.open(cache.resolve("bbb.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var lock = channel.lock()) {
            new RootTrees(cache).sweep(log);
        }
        assertThat(dead.getParent()).doesNotExist();
        assertThat(live).exists();
    }

    @Test
    void refusesFoldersThatAreNotThereAndChecksumsThatAreNotNames() throws Exception {
        RootTrees trees = new RootTrees(dir);
        assertThatThrownBy(() -> trees.register("abc", List.of(dir.resolve("missing"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a folder");
        assertThatThrownBy(() -> trees.register("../x", List.of(dir)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a disk checksum");
        assertThatThrownBy(() -> trees.register("abc", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownImageWithoutADiskCannotBeExtracted() {
        assertThatThrownBy(() -> new RootTrees(dir).lowerDirs(image("fff", dir.resolve("gone.qcow2")), log))
                .isInstanceOf(InstanceException.class)
                .hasMessageContaining("has no registered root tree")
                .hasMessageContaining("gone.qcow2");
    }

    private static MachineImage image(String sha, Path disk) {
        return MachineImage.builder().setImageId("ami-0123456789abcdef0").setRegion("us-east-1").setName("n")
                .setDescription("").setOwnerId("aws").setCreationDate(Instant.now()).setState("available")
                .setRootVolumeSizeGiB(1).setDisk(disk).setDiskSha256(sha).setBoot(Boot.firmware()).build();
    }
}
