package dev.kiln.machines.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Disk image files through {@code qemu-img} (run by {@link HostPrograms}): what a file is, and converting it. */
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
        String out = HostPrograms.run(List.of(qemuImg(), "info", "--output=json", file.toString()), TIMEOUT, null, null);
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
        HostPrograms.run(List.of(qemuImg(), "convert", "-f", sourceFormat, "-O", format, source.toString(),
                target.toString()), TIMEOUT, null, null);
    }

    private static String qemuImg() throws IOException {
        return HostPrograms.require("qemu-img").toString();
    }
}
