package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln images} with the real qemu-img. */
class ImagesCommandIT {
    @TempDir
    Path dir;

    private String data() {
        return dir.resolve("data").toString();
    }

    private Path disk(String format) throws Exception {
        Path file = dir.resolve("disk." + format);
        Process p = new ProcessBuilder(List.of("qemu-img", "create", "-f", format, file.toString(), "64M"))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        return file;
    }

    @Test
    void importedImageIsListedAndExportsInEitherFormat() throws Exception {
        Cli imported = Cli.run("images", "import", disk("raw").toString(), "--name", "my cloud image",
                "--data-dir", data());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String imageId = imported.out().strip();
        assertThat(imageId).matches("ami-[0-9a-f]{17}");

        Cli list = Cli.run("images", "list", "--data-dir", data());
        assertThat(list.out()).contains(imageId, "my cloud image", "1 GiB");

        Path raw = dir.resolve("out.raw");
        Cli export = Cli.run("images", "export", imageId, "--format", "raw", "--output", raw.toString(),
                "--data-dir", data());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.size(raw)).isEqualTo(64L << 20);
        Cli qcow = Cli.run("images", "export", imageId, "--output", dir.resolve("out.qcow2").toString(),
                "--data-dir", data());
        assertThat(qcow.exitCode()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("out.qcow2"))).startsWith('Q', 'F', 'I', (byte) 0xfb);
    }

    @Test
    void importRefusesWhatIsNotADiskImageOrIsAnOverlay() throws Exception {
        Cli missing = Cli.run("images", "import", dir.resolve("nope.qcow2").toString(), "--data-dir", data());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.qcow2: no such file").doesNotContain("Exception");

        Path base = disk("qcow2");
        Path overlay = dir.resolve("overlay.qcow2");
        new ProcessBuilder(List.of("qemu-img", "create", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2",
                overlay.toString())).start().waitFor();
        Cli refused = Cli.run("images", "import", overlay.toString(), "--data-dir", data());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("is an overlay of");
        assertThat(Cli.run("images", "list", "--data-dir", data()).out()).isEmpty();
    }

    @Test
    void anotherAccountsImageIsHiddenAndRefusedUntilShared() throws Exception {
        String other = "444444444444";
        Cli imported = Cli.run("images", "import", disk("qcow2").toString(), "--name", "theirs", "--account", other,
                "--data-dir", data());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        String imageId = imported.out().strip();

        assertThat(Cli.run("images", "list", "--data-dir", data()).out()).doesNotContain(imageId);
        assertThat(Cli.run("images", "list", "--account", other, "--data-dir", data()).out()).contains(imageId);
        Path out = dir.resolve("theirs.qcow2");
        Cli refused = Cli.run("images", "export", imageId, "--output", out.toString(), "--data-dir", data());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("may not use " + imageId, "belongs to account " + other);
        assertThat(out).doesNotExist();

        var store = new dev.kiln.machines.image.FileImageStore(dir.resolve("data").toAbsolutePath()
                .resolve("regions"), java.time.Clock.systemUTC());
        var image = store.find("us-east-1", imageId).orElseThrow();
        store.update(new dev.kiln.core.machine.MachineImage(image.imageId(), image.region(), image.name(),
                image.description(), image.ownerId(), image.architecture(), image.creationDate(), image.state(),
                image.rootVolumeSizeGiB(), image.tags(), image.disk(), image.diskSha256(), image.boot(),
                java.util.Set.of(), true));
        assertThat(Cli.run("images", "list", "--data-dir", data()).out()).contains(imageId);
        Cli exported = Cli.run("images", "export", imageId, "--output", out.toString(), "--data-dir", data());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
    }

    @Test
    void onlyTheOwnerDeregistersAnImageAndItsFilesGo() throws Exception {
        String other = "555555555555";
        String imageId = Cli.run("images", "import", disk("qcow2").toString(), "--name", "mine", "--account", other,
                "--data-dir", data()).out().strip();

        Cli refused = Cli.run("images", "deregister", imageId, "--data-dir", data());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("may not deregister " + imageId, "belongs to account " + other);

        Cli done = Cli.run("images", "deregister", imageId, "--account", other, "--data-dir", data());
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(Cli.run("images", "list", "--account", other, "--data-dir", data()).out()).doesNotContain(imageId);
        assertThat(dir.resolve("data/regions/us-east-1/images").resolve(imageId + ".qcow2")).doesNotExist();
    }

    @Test
    void exportOfAnUnknownImageOrFormatSaysSo() {
        Cli unknown = Cli.run("images", "export", "ami-0123456789abcdef0", "--output", dir.resolve("x").toString(),
                "--data-dir", data());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no image ami-0123456789abcdef0 in us-east-1");
        Cli format = Cli.run("images", "export", "ami-0123456789abcdef0", "--format", "vmdk", "--output",
                dir.resolve("x").toString(), "--data-dir", data());
        assertThat(format.err()).contains("--format must be qcow2 or raw");
    }

    @Test
    void logsOfABuildThatNeverRanSaySo() {
        Cli logs = Cli.run("images", "logs", "arn:aws:imagebuilder:us-east-1:123456789012:image/web/1.0.0/1",
                "--data-dir", data());
        assertThat(logs.exitCode()).isEqualTo(1);
        assertThat(logs.err()).contains("no log for");
    }
}
