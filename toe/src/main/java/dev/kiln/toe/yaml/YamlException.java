package dev.kiln.toe.yaml;

/** The text is not a YAML document Kiln can read; the message says where and why. */
public final class YamlException extends Exception {
    private final Mark mark;

    public YamlException(Mark mark, String message) {
        super(message);
        this.mark = mark;
    }

    public Mark mark() {
        return mark;
    }
}
