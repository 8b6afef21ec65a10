package dev.kiln.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** An HTTP answer as it came: status, headers and the body's bytes. */
public record RawAnswer(int status, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, its name in any case, or null. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The status and the body, abbreviated, for a failure message. */
    public String text() {
        return status + " " + JsonBits.abbreviate(new String(body, StandardCharsets.UTF_8), 400);
    }
}
