package dev.kiln.machines.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.toe.process.ProcessRunner;
import dev.kiln.toe.target.ExecRequest;
import dev.kiln.toe.target.ExecResult;
import dev.kiln.toe.target.OutputListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Disk image files through {@code qemu-img}: what a file is, and converting it (import and export). */
public final class DiskImages {
    public static final Set<String> FORMATS = Set.of("qcow2", "raw");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiskImages() {
    }

    /** What qemu-img says a disk file is. */
    public record Info(String format, long virtualSize, String backingFile) {
    }

    public static Info info(Path file) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        String out = run(List.of("qemu-img", "info", "--output=json", file.toString()), "read " + file);
        JsonNode j = JSON.readTree(out);
        return new Info(j.path("format").asText(), j.path("virtual-size").asLong(),
                j.hasNonNull("backing-filename") ? j.get("backing-filename").asText() : null);
    }

    /** Writes a standalone copy of a disk in a format ({@code qcow2} compacted, or {@code raw} sparse). */
    public static void convert(Path source, String sourceFormat, Path target, String format)
            throws IOException, InterruptedException {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format must be qcow2 or raw, not " + format);
        }
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-f", sourceFormat, "-O", format));
        command.add(source.toString());
        command.add(target.toString());
        run(command, "convert " + source + " to " + format);
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        ExecResult r;
        try {
            r = ProcessRunner.run(ExecRequest.of(command, TIMEOUT), new OutputListener() {
                @Override
                public void stdout(String line) {
                    out.append(line).append('\n');
                }

                @Override
                public void stderr(String line) {
                    err.append(line).append('\n');
                }
            });
        } catch (IOException e) {
            throw new IOException("cannot run qemu-img (install the Debian package qemu-utils): " + e.getMessage(), e);
        }
        if (!r.succeeded()) {
            throw new IOException("qemu-img could not " + what + (r.timedOut() ? ": timed out" : ": "
                    + err.toString().strip()));
        }
        return out.toString();
    }
}
