package dev.kiln.machines.qemu;

import dev.kiln.common.process.Tail;
import dev.kiln.core.log.BuildLog;
import java.util.regex.Pattern;

/**
 * A VM's serial console: every line goes to the build log as it comes, and the last lines are kept for
 * failure messages. QEMU's own complaints (its stderr) are kept here too, marked as such.
 */
final class Console {
    /** Terminal escapes (getty clears the screen) and carriage returns, which only garble a log. */
    private static final Pattern NOISE = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[()][0-9A-Za-z]|[\\x00-\\x08\\x0B-\\x1F\\x7F]");
    private static final int KEEP = 400;

    private final BuildLog log;
    private final Tail lines = new Tail(KEEP);
    private final StringBuilder qemuErrors = new StringBuilder();

    Console(BuildLog log) {
        this.log = log;
    }

    void console(String raw) {
        String line = clean(raw);
        if (line.isBlank()) {
            return;
        }
        lines.add(line);
        log.line("console", line);
    }

    void qemu(String raw) {
        String line = clean(raw);
        if (line.isBlank()) {
            return;
        }
        lines.add("qemu: " + line);
        synchronized (this) {
            if (qemuErrors.length() < 8_000) {
                qemuErrors.append(line).append('\n');
            }
        }
        log.line("qemu", line);
    }

    /** What QEMU itself wrote on stderr so far. */
    synchronized String qemuErrors() {
        return qemuErrors.toString();
    }

    synchronized void clearQemuErrors() {
        qemuErrors.setLength(0);
    }

    String tail(int n) {
        return lines.last(n);
    }

    static String clean(String raw) {
        return NOISE.matcher(raw).replaceAll("").stripTrailing();
    }
}
