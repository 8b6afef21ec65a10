package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A tiny root tree for sandbox tests: a static busybox with its applets, and the files a shell expects. */
final class BusyboxTree {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxTree() {
    }

    static Path create(Path root) throws Exception {
        assertThat(BUSYBOX).as("a static busybox: install the Debian package busybox-static").isExecutable();
        for (String d : List.of("bin", "etc", "proc", "dev", "sys", "run", "usr/sbin", "var/lib/apt/lists/partial",
                "var/cache/apt/archives/partial")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createDirectories(root.resolve("root"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(root.resolve("tmp"));
        SandboxInstanceIT.host("chmod", "1777", root.resolve("tmp").toString());
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        for (String applet : SandboxInstanceIT.host(BUSYBOX.toString(), "--list").out().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
            }
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(root.resolve("etc/resolv.conf"), "nameserver 192.0.2.1\n");
        Files.writeString(root.resolve("etc/motd"), "welcome\n");
        Files.writeString(root.resolve("etc/marker"), "busybox tree\n");
        Files.writeString(root.resolve("var/lib/apt/lists/lock"), "");
        return root;
    }
}
