package dev.kiln.toe.validate;

import dev.kiln.toe.yaml.Mark;

/**
 * One thing wrong (or doubtful) in a component document, with where it is: file, line:column, phase,
 * step and field. Validation collects all of them rather than stopping at the first.
 */
public record Problem(Severity severity, Mark mark, String phase, String step, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:12:7: error: phase 'build', step 'Hello', field 'action': unknown action ...} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(mark).append(": ").append(severity == Severity.ERROR ? "error" : "warning").append(": ");
        String where = where();
        if (!where.isEmpty()) {
            sb.append(where).append(": ");
        }
        return sb.append(message).toString();
    }

    public String where() {
        StringBuilder sb = new StringBuilder();
        if (phase != null) {
            sb.append("phase '").append(phase).append('\'');
        }
        if (step != null) {
            sb.append(sb.length() > 0 ? ", " : "").append("step '").append(step).append('\'');
        }
        if (field != null) {
            sb.append(sb.length() > 0 ? ", " : "").append("field '").append(field).append('\'');
        }
        return sb.toString();
    }
}
