package dev.kiln.toe.target;

/** A file system entry on a target. {@code mode} holds the permission bits (e.g. 0755). */
public record FileInfo(String path, Type type, long size, int mode, String owner, String group) {
    public enum Type { FILE, FOLDER, SYMLINK, OTHER }

    public boolean isFolder() {
        return type == Type.FOLDER;
    }

    public boolean isFile() {
        return type == Type.FILE;
    }
}
