package dev.kiln.machines.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Passes a program's stderr on line by line, holding back the lines {@code buildah run} adds when the
 * program fails ({@code subprocess exited with status 7}, {@code Error: exit status 7}): they are
 * buildah's, and in a component's output they would push its own last error lines out of the failure
 * message. Held lines are dropped only when the program failed and nothing of its own followed them.
 */
final class RunTrailerFilter extends OutputStream {

    private static final Pattern TRAILER =
            Pattern.compile("subprocess exited (with status \\d+|on \\w+)|Error: exit status \\d+");

    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<byte[]> held = new ArrayList<>();

    RunTrailerFilter(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            endLine();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                endLine();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    /** After the program ended: what is still held goes on unless the program failed. */
    synchronized void finish(boolean programFailed) throws IOException {
        if (!programFailed) {
            release();
        }
        held.clear();
        if (line.size() > 0) {
            out.write(line.toByteArray());
            line.reset();
        }
        out.flush();
    }

    private void endLine() throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8).strip();
        if (TRAILER.matcher(text).matches()) {
            held.add(bytes);
        } else {
            release();
            out.write(bytes);
        }
    }

    private void release() throws IOException {
        for (byte[] h : held) {
            out.write(h);
        }
        held.clear();
    }
}
