package dev.kiln.machines.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileImageStoreTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    private FileImageStore store() {
        return new FileImageStore(dir.resolve("regions"), clock);
    }

    private MachineImage template(Path kernel) {
        return MachineImage.builder().setRegion("us-east-1").setName("web 1.0.0").setDescription("a web server")
                .setOwnerId("123456789012").setRootVolumeSizeGiB(3).setTags(Map.of("team", "web"))
                .setBoot(new Boot(Boot.Mode.KERNEL, kernel, null, "quiet")).build();
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void registerMovesTheDiskInAndRecordsItsChecksum() throws Exception {
        Path disk = file("out.qcow2", "disk bytes");
        MachineImage image = store().register(template(file("vmlinuz", "kernel")), disk);

        assertThat(image.imageId()).matches("ami-[0-9a-f]{17}");
        assertThat(disk).doesNotExist();
        assertThat(image.disk()).isEqualTo(dir.resolve("regions/us-east-1/images/" + image.imageId() + ".qcow2"));
        // sha256("disk bytes")
        assertThat(image.diskSha256()).isEqualTo(
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("disk bytes".getBytes())));
        assertThat(image.creationDate()).isEqualTo(clock.instant());
        assertThat(image.boot().kernel()).hasContent("kernel");
    }

    @Test
    void aRegisteredImageIsFoundAndListedAfterARestart() throws Exception {
        MachineImage image = store().register(template(file("vmlinuz", "k")), file("a.qcow2", "a"));

        FileImageStore again = store();
        assertThat(again.find("us-east-1", image.imageId())).contains(image);
        assertThat(again.list("us-east-1")).containsExactly(image);
        assertThat(again.list("eu-west-1")).isEmpty();
        assertThat(again.find("eu-west-1", image.imageId())).isEmpty();
    }

    @Test
    void updateChangesMetadataButNeverTheDisk() throws Exception {
        FileImageStore store = store();
        MachineImage image = store.register(template(file("vmlinuz", "k")), file("a.qcow2", "a"));

        MachineImage shared = image.toBuilder().setName("renamed").setDescription("d").setOwnerId("999999999999")
                .setRootVolumeSizeGiB(99).setTags(Map.of("k", "v")).setDisk(dir.resolve("elsewhere"))
                .setDiskSha256("0000").setLaunchUserIds(Set.of("111122223333")).setPublicLaunch(true).build();
        MachineImage updated = store.update(shared);

        assertThat(updated.name()).isEqualTo("renamed");
        assertThat(updated.launchableBy("111122223333")).isTrue();
        assertThat(updated.ownerId()).isEqualTo("123456789012");
        assertThat(updated.disk()).isEqualTo(image.disk());
        assertThat(updated.diskSha256()).isEqualTo(image.diskSha256());
        assertThat(store.find("us-east-1", image.imageId())).contains(updated);
    }

    @Test
    void deregisterRemovesTheImageAndItsFiles() throws Exception {
        FileImageStore store = store();
        MachineImage image = store.register(template(file("vmlinuz", "k")), file("a.qcow2", "a"));

        store.deregister("us-east-1", image.imageId());

        assertThat(store.find("us-east-1", image.imageId())).isEmpty();
        assertThat(image.disk()).doesNotExist();
        assertThat(image.boot().kernel()).doesNotExist();
    }

    @Test
    void sweepRemovesWhatAnInterruptedRegistrationLeft() throws Exception {
        FileImageStore store = store();
        MachineImage image = store.register(template(file("vmlinuz", "k")), file("a.qcow2", "a"));
        Path folder = store.imagesFolder("us-east-1");
        Files.writeString(folder.resolve("ami-0123456789abcdef0.qcow2.tmp"), "half");
        Files.writeString(folder.resolve("ami-0123456789abcdef1.qcow2"), "no metadata");

        assertThat(store.sweep("us-east-1")).isEqualTo(2);
        assertThat(store.list("us-east-1")).containsExactly(image);
        assertThat(image.disk()).exists();
    }

    @Test
    void malformedIdsAreNotFound() {
        assertThat(store().find("us-east-1", "../../etc/passwd")).isEmpty();
    }
}
