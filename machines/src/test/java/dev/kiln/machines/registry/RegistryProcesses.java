package dev.kiln.machines.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The docker-registry processes serving a config under a folder, found through /proc. */
final class RegistryProcesses {
    private RegistryProcesses() {
    }

    static List<Long> under(Path folder) {
        String prefix = folder.toAbsolutePath().normalize().toString() + "/";
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains("docker-registry") && cmdline.contains(prefix)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // Gone meanwhile.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }
}
