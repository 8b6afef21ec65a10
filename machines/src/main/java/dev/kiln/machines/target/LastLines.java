package dev.kiln.machines.target;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a program wrote, kept while it runs (its output listeners call from their own
 * threads) so that a failure can quote them.
 */
public final class LastLines {
    private final int limit;
    private final Deque<String> lines = new ArrayDeque<>();

    public LastLines(int limit) {
        this.limit = limit;
    }

    public synchronized void add(String line) {
        lines.addLast(line);
        if (lines.size() > limit) {
            lines.removeFirst();
        }
    }

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
}
