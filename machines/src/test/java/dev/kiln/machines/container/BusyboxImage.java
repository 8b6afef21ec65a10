package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A tiny parent image for container tests: a static busybox with its applets (and a bash that is
 * busybox's sh, for ExecuteBash), built FROM scratch and pushed to the test registry. The storage it
 * was built in is removed, so tests pull it as they would any parent.
 */
final class BusyboxImage {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {
    }

    /** Builds and pushes it; answers its reference in the registry. */
    static String push(TestRegistry registry, Path folder) throws Exception {
        Path context = context(folder.resolve("context"));
        try (TestStorage seed = new TestStorage(folder.resolve("seed"))) {
            String id = seed.engine.buildDockerfile("""
                    FROM scratch
                    COPY rootfs/ /
                    ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                    CMD ["/bin/sh"]
                    """, context, "localhost/kiln-build/seed:busybox", seed.log);
            String reference = registry.host() + "/test/busybox:base";
            seed.engine.push(id, reference, seed.log);
            return reference;
        }
    }

    static Path context(Path context) throws Exception {
        assertThat(BUSYBOX).as("a static busybox: install the Debian package busybox-static").isExecutable();
        Path root = context.resolve("rootfs");
        for (String d : List.of("bin", "etc", "dev", "proc", "sys", "root", "srv")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
            }
        }
        assertThat(list.waitFor()).isZero();
        Path bash = root.resolve("bin/bash");
        Files.writeString(bash, "#!/bin/sh\nexec /bin/sh \"$@\"\n");
        Files.setPosixFilePermissions(bash, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "app:x:1000:1000:app:/srv:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
        return context;
    }
}
