package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An engine on storage of its own in a test folder, and its complete removal: containers unmounted
 * and removed, images removed, the driver's mount released, the folder deleted.
 */
final class TestStorage implements AutoCloseable {

    final Path folder;
    final BuildahEngine engine;
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final BuildLog log;

    TestStorage(Path folder) {
        this(folder, Map.of());
    }

    TestStorage(Path folder, Map<String, String> environment) {
        this.folder = folder;
        this.engine = new BuildahEngine(folder.resolve("storage"), folder.resolve("run"), environment);
        this.log = BuildLog.discarding(Clock.systemUTC()).follow(logLines::add);
    }

    /** buildah on this storage, for checks the engine does not offer; fails on a non-zero exit. */
    String buildah(String... args) throws Exception {
        Buildah.Output out = buildahCli().runUnchecked(List.of(args), BuildahEngine.SHORT_TIMEOUT, null, false);
        assertThat(out.result().exitCode()).as("buildah %s: %s", List.of(args), out.tail()).isZero();
        return out.stdoutText();
    }

    Buildah buildahCli() throws Exception {
        return new Buildah(HostPrograms.require("buildah"), Path.of("/usr/bin/env"),
                folder.resolve("storage"), folder.resolve("run"), engine.storageDriver(log), Map.of());
    }

    List<String> containerNames() throws Exception {
        List<String> names = new ArrayList<>();
        for (var c : new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                orEmptyArray(buildah("containers", "--all", "--json")))) {
            names.add(c.path("containername").asText());
        }
        return names;
    }

    List<String> imageNames() throws Exception {
        List<String> names = new ArrayList<>();
        for (var i : new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                orEmptyArray(buildah("images", "--all", "--json")))) {
            i.path("names").forEach(n -> names.add(n.asText()));
        }
        return names;
    }

    /** What an image holds in /dev, seen through a plain buildah mount. */
    List<String> devEntries(String image) throws Exception {
        String name = "kiln-dev-check-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        buildah("from", "--name", name, image);
        try (var entries = Files.list(Path.of(buildah("mount", name).strip()).resolve("dev"))) {
            return entries.map(p -> p.getFileName().toString()).toList();
        } finally {
            buildah("rm", name);
        }
    }

    /** What a mounted overlay container has written to its upper layer: relative paths and file types. */
    List<String> upperLayer(String container) throws Exception {
        String mountpoint = buildah("mount", container).strip();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (HostMounts.unescape(f[4]).equals(mountpoint)) {
                java.util.regex.Matcher upper = java.util.regex.Pattern.compile("upperdir=([^,]+)").matcher(line);
                assertThat(upper.find()).as("an overlay mount: " + line).isTrue();
                Path root = Path.of(HostMounts.unescape(upper.group(1)));
                try (var walk = Files.walk(root)) {
                    return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p) + " "
                            + (Files.isSymbolicLink(p) ? "link" : Files.isDirectory(p) ? "folder"
                            : Files.isRegularFile(p) ? "file" : "other")).sorted().toList();
                }
            }
        }
        throw new AssertionError("the container " + container + " is not mounted at " + mountpoint);
    }

    private static String orEmptyArray(String json) {
        return json.isBlank() ? "[]" : json;
    }

    @Override
    public void close() throws Exception {
        if (Files.isDirectory(folder.resolve("storage"))) {
            Buildah cli = buildahCli();
            cli.runQuietly(List.of("unmount", "--all"), BuildahEngine.SHORT_TIMEOUT, null, "unmount");
            cli.runQuietly(List.of("rm", "--all"), BuildahEngine.SHORT_TIMEOUT, null, "rm");
            cli.runQuietly(List.of("rmi", "--all", "--force"), BuildahEngine.SHORT_TIMEOUT, null, "rmi");
        }
        engine.close();
        List<String> left = mountsUnder(folder);
        List<String> cleanup = new ArrayList<>(left);
        java.util.Collections.reverse(cleanup);
        for (String m : cleanup) {
            HostMounts.unmount(Path.of("/usr/bin/umount"), Path.of(m));
        }
        Trees.deleteQuietly(folder);
        assertThat(left).as("mounts the engine left under " + folder).isEmpty();
    }

    static List<String> mountsUnder(Path folder) throws IOException {
        String prefix = folder.toAbsolutePath().normalize() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = HostMounts.unescape(line.split(" ")[4]);
            if (point.startsWith(prefix)) {
                mounts.add(point);
            }
        }
        return mounts;
    }
}
