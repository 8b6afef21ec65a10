package dev.kiln.common.process;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a program wrote (or a console showed), at most a fixed number, kept while it runs so
 * that a failure can quote them. Thread-safe: output listeners call from their own threads.
 */
public final class Tail {
    private final int max;
    private final Deque<String> lines = new ArrayDeque<>();

    /** @param max how many lines to keep (at least one) */
    public Tail(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a tail keeps at least one line, not " + max);
        }
        this.max = max;
    }

    public synchronized void add(String line) {
        lines.addLast(line);
        if (lines.size() > max) {
            lines.removeFirst();
        }
    }

    /** The lines kept, oldest first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The lines joined by newlines. */
    public synchronized String text() {
        return String.join("\n", lines);
    }

    /** The last {@code n} of the lines kept, joined by newlines. */
    public synchronized String last(int n) {
        List<String> all = List.copyOf(lines);
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /**
     * The lines as the end of an error message, after an introduction such as {@code "; its last
     * output:\n"}; nothing when there were none (or only blank ones).
     */
    public String suffix(String intro) {
        return quote(intro, text());
    }

    /** {@code intro + text}, or nothing when the text is blank. */
    public static String quote(String intro, String text) {
        return text.isBlank() ? "" : intro + text;
    }

    /** The last {@code n} lines of a text. */
    public static String lastLines(String text, int n) {
        String[] all = text.split("\n", -1);
        return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - n), all.length));
    }

    /** A listener that keeps both streams' lines here. */
    public OutputListener listener() {
        return OutputListener.merged(this::add);
    }
}
