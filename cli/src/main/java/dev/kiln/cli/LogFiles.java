package dev.kiln.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Build logs followed as they grow, by {@code kiln images logs --follow} and {@code kiln quickstart}. */
final class LogFiles {
    private LogFiles() {
    }

    /** Prints what a log file holds past an offset; answers the new offset. */
    static long print(Path log, long offset, PrintStream out) throws IOException {
        if (!Files.exists(log)) {
            return offset;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return offset;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 24)];
            f.seek(offset);
            f.readFully(bytes);
            out.print(new String(bytes, StandardCharsets.UTF_8));
            out.flush();
            return offset + bytes.length;
        }
    }
}
