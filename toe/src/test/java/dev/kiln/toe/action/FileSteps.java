package dev.kiln.toe.action;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs file modules on the local host the way a step would, and reads back what they did. */
final class FileSteps {
    private FileSteps() {
    }

    /** A context whose inputs are a list of mappings; its work folder lies inside {@code dir}. */
    @SafeVarargs
    static TestContext context(Path dir, Map<String, ?>... inputs) {
        List<Object> list = Arrays.asList((Object[]) inputs);
        return new TestContext(list, dir.resolve(".work"));
    }

    /** Runs a module by name, through the registry, so the wiring is tested too. */
    static ActionResult run(String module, TestContext context) throws Exception {
        return ActionModules.get(module).orElseThrow().action().run(context);
    }

    @SafeVarargs
    static ActionResult run(String module, Path dir, Map<String, ?>... inputs) throws Exception {
        return run(module, context(dir, inputs));
    }

    static String p(Path path) {
        return path.toString();
    }

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    static String owner(Path path) throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.owner().getName() + ":" + a.group().getName();
    }

    /** The names in a folder, sorted. */
    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static Path write(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.writeString(path, text);
    }
}
