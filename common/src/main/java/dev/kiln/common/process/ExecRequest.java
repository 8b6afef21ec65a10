package dev.kiln.common.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A program to run: its argument list (never a shell string), extra environment, working folder
 * (null = the target's default) and timeout (null = none).
 */
public record ExecRequest(List<String> command, Map<String, String> environment, String workingFolder,
                          Duration timeout) {
    public ExecRequest {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static ExecRequest of(List<String> command, Duration timeout) {
        return new ExecRequest(command, Map.of(), null, timeout);
    }
}
