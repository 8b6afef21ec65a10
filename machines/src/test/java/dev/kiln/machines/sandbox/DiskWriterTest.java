package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.machine.Boot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskWriterTest {

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    @Test
    void keepsTheParentsSizeUnlessTheTreeNeedsMore() {
        assertThat(DiskWriter.sizeGiB(3, 900L << 20)).isEqualTo(3);
        assertThat(DiskWriter.sizeGiB(1, (5L << 30) + 1)).isEqualTo(6);
        assertThat(DiskWriter.sizeGiB(0, 1)).isEqualTo(1);
    }

    @Test
    void estimatesRoomForDataInodesAndTheJournal() throws Exception {
        Files.write(dir.resolve("big"), new byte[1 << 20]);
        long needed = DiskWriter.requiredBytes(dir);
        assertThat(needed).isGreaterThan((1L << 20) + (100L << 20)).isLessThan(200L << 20);
    }

    @Test
    void comparesKernelNamesAsVersions() {
        assertThat(DiskWriter.compareVersions("vmlinuz-6.10.0-1-amd64", "vmlinuz-6.9.0-9-amd64")).isPositive();
        assertThat(DiskWriter.compareVersions("vmlinuz-6.1.0-56-amd64", "vmlinuz-6.1.0-9-amd64")).isPositive();
        assertThat(DiskWriter.compareVersions("vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-9-amd64")).isZero();
    }

    @Test
    void resolvesLinksInsideTheTreeNotOnTheHost() throws Exception {
        Files.createDirectories(dir.resolve("boot"));
        Files.writeString(dir.resolve("boot/vmlinuz-6.1.0-9-amd64"), "k");
        Files.createSymbolicLink(dir.resolve("vmlinuz"), Path.of("/boot/vmlinuz-6.1.0-9-amd64"));
        Files.createSymbolicLink(dir.resolve("escape"), Path.of("../../../../etc/hostname"));
        assertThat(DiskWriter.resolveInside(dir, "vmlinuz")).contains(dir.resolve("boot/vmlinuz-6.1.0-9-amd64"));
        assertThat(DiskWriter.resolveInside(dir, "escape")).isEmpty();
    }

    @Test
    void bootsAsTheParentWhenTheTreeHasTheSameKernelOrNone() throws Exception {
        Path parentKernel = Files.writeString(dir.resolve("parent-vmlinuz"), "kernel 1");
        Path parentInitrd = Files.writeString(dir.resolve("parent-initrd"), "initrd 1");
        Boot parent = new Boot(Boot.Mode.KERNEL, parentKernel, parentInitrd, "quiet");
        Path tree = Files.createDirectories(dir.resolve("tree"));
        assertThat(DiskWriter.boot(tree, parent, dir, log::add)).isSameAs(parent);

        Files.createDirectories(tree.resolve("boot"));
        Files.writeString(tree.resolve("boot/vmlinuz-6.1.0-9-amd64"), "kernel 1");
        Files.writeString(tree.resolve("boot/initrd.img-6.1.0-9-amd64"), "initrd 1");
        assertThat(DiskWriter.boot(tree, parent, dir, log::add)).isSameAs(parent);
    }

    @Test
    void bootsCopiesOfTheNewestKernelWhenTheComponentsInstalledOne() throws Exception {
        Path parentKernel = Files.writeString(dir.resolve("parent-vmlinuz"), "kernel 1");
        Boot parent = new Boot(Boot.Mode.KERNEL, parentKernel, null, "quiet");
        Path tree = Files.createDirectories(dir.resolve("tree/boot")).getParent();
        Files.writeString(tree.resolve("boot/vmlinuz-6.1.0-9-amd64"), "kernel 1");
        Files.writeString(tree.resolve("boot/vmlinuz-6.1.0-10-amd64"), "kernel 2");
        Files.writeString(tree.resolve("boot/initrd.img-6.1.0-10-amd64"), "initrd 2");
        Path out = Files.createDirectories(dir.resolve("out"));

        Boot boot = DiskWriter.boot(tree, parent, out, log::add);

        assertThat(boot).isEqualTo(new Boot(Boot.Mode.KERNEL, out.resolve("vmlinuz-6.1.0-10-amd64"),
                out.resolve("initrd.img-6.1.0-10-amd64"), "quiet"));
        assertThat(boot.kernel()).hasContent("kernel 2");
        assertThat(boot.initrd()).hasContent("initrd 2");
    }

    @Test
    void removesAptListsAndCachesButKeepsTheirLocksAndOtherFiles() throws Exception {
        Path lists = Files.createDirectories(dir.resolve("var/lib/apt/lists/partial"));
        Files.writeString(lists.getParent().resolve("lock"), "");
        Files.writeString(lists.getParent().resolve("deb.debian.org_Packages"), "p");
        Files.writeString(lists.resolve("half"), "h");
        Path archives = Files.createDirectories(dir.resolve("var/cache/apt/archives/partial"));
        Files.writeString(archives.getParent().resolve("jq_1.6_amd64.deb"), "d");
        Files.writeString(archives.getParent().resolve("lock"), "");
        Files.writeString(dir.resolve("var/cache/apt/pkgcache.bin"), "c");
        Files.createDirectories(dir.resolve("usr/sbin"));
        Files.writeString(dir.resolve("usr/sbin/policy-rc.d"), NamespaceHolder.POLICY_RC_D);

        DiskWriter.cleanTransientFiles(dir, log::add);

        assertThat(lists.getParent().resolve("lock")).exists();
        assertThat(lists).isEmptyDirectory();
        assertThat(lists.getParent().resolve("deb.debian.org_Packages")).doesNotExist();
        assertThat(archives.getParent().resolve("jq_1.6_amd64.deb")).doesNotExist();
        assertThat(archives.getParent().resolve("lock")).exists();
        assertThat(dir.resolve("var/cache/apt/pkgcache.bin")).doesNotExist();
        assertThat(dir.resolve("usr/sbin/policy-rc.d")).doesNotExist();
    }

    @Test
    void keepsAPolicyRcDThatTheImageBroughtItself() throws Exception {
        Files.createDirectories(dir.resolve("usr/sbin"));
        Files.writeString(dir.resolve("usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 0\n");
        DiskWriter.cleanTransientFiles(dir, log::add);
        assertThat(dir.resolve("usr/sbin/policy-rc.d")).exists();
    }
}
