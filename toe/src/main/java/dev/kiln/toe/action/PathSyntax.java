package dev.kiln.toe.action;

import dev.kiln.toe.target.Platform;

/**
 * How a target spells paths. Modules handle paths as the target's own strings (a Windows target may
 * be driven from a Linux host), so folder separators are decided by the target's platform, not by
 * java.nio: "/" everywhere, and "\" as well on Windows.
 */
record PathSyntax(String separators) {
    static final PathSyntax UNIX = new PathSyntax("/");
    static final PathSyntax WINDOWS = new PathSyntax("/\\");

    static PathSyntax of(Platform platform) {
        return platform == Platform.WINDOWS ? WINDOWS : UNIX;
    }

    boolean isSeparator(char c) {
        return separators.indexOf(c) >= 0;
    }

    /** AWSTOE reads a trailing separator as "this is a folder": copy into it, keeping the source's name. */
    boolean endsWithSeparator(String path) {
        return !path.isEmpty() && isSeparator(path.charAt(path.length() - 1));
    }

    /** The path without trailing separators, keeping a root such as "/" or "C:\". */
    String trim(String path) {
        int end = path.length();
        while (end > 1 && isSeparator(path.charAt(end - 1)) && path.charAt(end - 2) != ':') {
            end--;
        }
        return path.substring(0, end);
    }

    /** The last element of a path: "b" for "/a/b" and for "/a/b/". */
    String name(String path) {
        String t = trim(path);
        return t.substring(lastSeparator(t) + 1);
    }

    /** The folder holding a path, or null for a bare name or a root. */
    String parent(String path) {
        String t = trim(path);
        int i = lastSeparator(t);
        if (i < 0 || i == t.length() - 1) {
            return null;
        }
        boolean keepSeparator = i == 0 || t.charAt(i - 1) == ':';
        return t.substring(0, keepSeparator ? i + 1 : i);
    }

    /** A name inside a folder, joined with the separator the folder already uses. */
    String join(String folder, String name) {
        if (endsWithSeparator(folder)) {
            return folder + name;
        }
        int i = lastSeparator(folder);
        char separator = i >= 0 ? folder.charAt(i) : separators.charAt(separators.length() - 1);
        return folder + separator + name;
    }

    boolean isAbsolute(String path) {
        if (!path.isEmpty() && isSeparator(path.charAt(0))) {
            return true;
        }
        return this == WINDOWS && path.length() >= 3 && Character.isLetter(path.charAt(0))
                && path.charAt(1) == ':' && isSeparator(path.charAt(2));
    }

    /** Whether path is folder itself or lies somewhere under it (by spelling; links are not followed). */
    boolean isWithin(String path, String folder) {
        String p = trim(path);
        String f = trim(folder);
        if (p.equals(f)) {
            return true;
        }
        if (p.length() < f.length() || !p.startsWith(f)) {
            return false;
        }
        return endsWithSeparator(f) || isSeparator(p.charAt(f.length()));
    }

    /** AWSTOE allows a * only in the last element of a path. */
    boolean hasWildcard(String path) {
        return name(path).indexOf('*') >= 0;
    }

    private int lastSeparator(String path) {
        for (int i = path.length() - 1; i >= 0; i--) {
            if (isSeparator(path.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
