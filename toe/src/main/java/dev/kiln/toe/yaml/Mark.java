package dev.kiln.toe.yaml;

/** A position in a source file, 1-based, as people and editors count lines and columns. */
public record Mark(String file, int line, int column) {

    public static final Mark UNKNOWN = new Mark("", 0, 0);

    @Override
    public String toString() {
        if (line == 0) {
            return file;
        }
        return file + ":" + line + ":" + column;
    }
}
