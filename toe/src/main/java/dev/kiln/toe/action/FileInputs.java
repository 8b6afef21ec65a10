package dev.kiln.toe.action;

/** Readers for the inputs that several file modules share, failing with the input's name. */
final class FileInputs {
    private FileInputs() {
    }

    /** A path, never empty: an empty path would mean the engine's working folder, which nobody intends. */
    static String path(Inputs in, String name) throws StepFailedException {
        String path = in.string(name);
        if (path.isBlank()) {
            throw new StepFailedException(in.where() + "." + name + " must not be empty");
        }
        return path;
    }

    /** A user or group name or id, or null when absent. */
    static String principal(Inputs in, String name) throws StepFailedException {
        if (!in.has(name)) {
            return null;
        }
        String value = in.string(name).trim();
        if (value.isEmpty()) {
            throw new StepFailedException(in.where() + "." + name + " must not be empty");
        }
        return value;
    }

    /** A required octal mode. */
    static int mode(Inputs in, String name) throws StepFailedException {
        in.string(name);
        return in.permissions(name, 0);
    }

    /** An optional octal mode, or null when absent. */
    static Integer optionalMode(Inputs in, String name) throws StepFailedException {
        return in.has(name) ? mode(in, name) : null;
    }

    /** The encoding input, UTF-8 when absent. */
    static TextEncoding encoding(Inputs in) throws StepFailedException {
        if (!in.has("encoding")) {
            return TextEncoding.UTF8;
        }
        String spelling = in.string("encoding");
        return TextEncoding.parse(spelling).orElseThrow(() -> new StepFailedException(
                in.where() + ".encoding must be " + TextEncoding.ACCEPTED + ", not '" + spelling + "'"));
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
