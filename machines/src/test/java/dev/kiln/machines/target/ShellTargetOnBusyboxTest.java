package dev.kiln.machines.target;

import dev.kiln.common.process.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The same tests with BusyBox as the only tools (as in Alpine-based images): its find has no
 * -printf, and its tools take fewer options than GNU's.
 */
class ShellTargetOnBusyboxTest extends ShellTargetTest {

    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final Path APPLETS = applets();

    @Override
    HostShell newTarget() {
        return new HostShell("a BusyBox host") {
            @Override
            protected ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout,
                                         OutputStream stderr, Duration timeout)
                    throws IOException, InterruptedException {
                List<String> command = new ArrayList<>(List.of("env", "PATH=" + APPLETS));
                command.add(argv.get(0).equals("sh") ? APPLETS.resolve("sh").toString() : argv.get(0));
                command.addAll(argv.subList(1, argv.size()));
                commands.add(argv);
                return execOnHost(command, stdin, stdout, stderr, timeout);
            }
        };
    }

    /** A folder holding a link to busybox for each of its applets, to put alone on PATH. */
    private static Path applets() {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install the Debian package busybox-static");
        }
        try {
            Path dir = Files.createTempDirectory("kiln-busybox");
            Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
            for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
                if (!applet.isBlank()) {
                    Files.createSymbolicLink(dir.resolve(applet.strip()), BUSYBOX);
                }
            }
            list.waitFor();
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
