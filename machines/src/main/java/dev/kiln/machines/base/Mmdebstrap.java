package dev.kiln.machines.base;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How both kinds of base image begin: mmdebstrap makes a minbase Debian tree from the mirror this host's
 * apt uses (see {@link DebianMirror}), configured by Kiln's hook files, which are written into the image's
 * build folder first.
 *
 * @param aptFolder where the host's apt sources are ({@code /etc/apt})
 */
record Mmdebstrap(Path aptFolder, Clock clock) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to make.
     *
     * @param what          the image as the log names it, e.g. {@code base image debian-12}
     * @param hookFiles     resources beside {@link BaseImageBuilder} written into {@code <dir>/hooks}
     * @param setupHook     the one of them run before packages are installed
     * @param customizeHook the one run after
     * @param options       the options of this kind of image (format, packages, what to skip)
     * @param target        the directory or tar file made
     * @param duration      how long it usually takes, for the log
     */
    record Request(String what, String suite, List<String> hookFiles, String setupHook, String customizeHook,
                   List<String> options, Path target, Duration timeout, String duration) {
    }

    /** A tree made: the mirror it came from, the hooks folder (for the caller to delete), when it began and ended. */
    record Made(String suite, DebianMirror mirror, Path hooks, Instant start, Instant strapped) {
        /** The start of the image's metadata: its name and description, the suite and the mirror. */
        ObjectNode metadata(String name, String description) {
            ObjectNode meta = JSON.createObjectNode();
            meta.put("name", name);
            meta.put("description", description);
            meta.put("suite", suite);
            meta.put("mirror", mirror.archive());
            return meta;
        }
    }

    /** Makes the tree in an image's build folder, logging what it does and mmdebstrap's failure. */
    Made make(Path dir, Request request, BuildLog log) throws IOException, InterruptedException {
        String mmdebstrap = HostPrograms.require("mmdebstrap").toString();
        Instant start = clock.instant();
        Files.createDirectories(dir);
        Path hooks = BaseImageBuilder.writeHooks(dir.resolve("hooks"), request.hookFiles());
        DebianMirror mirror = DebianMirror.detect(aptFolder);
        log.info(request.what() + ": mmdebstrap --variant=minbase " + request.suite() + " from " + mirror.archive()
                + " into " + request.target() + " (" + request.duration() + ")");
        HostPrograms.run(command(mmdebstrap, request, hooks, mirror), request.timeout(), log, "mmdebstrap");
        return new Made(request.suite(), mirror, hooks, start, clock.instant());
    }

    /** The mmdebstrap command line: a minbase tree of the suite's main component, with apt retrying. */
    static List<String> command(String mmdebstrap, Request request, Path hooks, DebianMirror mirror) {
        List<String> command = new ArrayList<>(List.of(mmdebstrap, "--variant=minbase", "--components=main",
                "--aptopt=Acquire::Retries \"3\";"));
        command.addAll(request.options());
        command.addAll(List.of("--setup-hook=" + hooks.resolve(request.setupHook()),
                "--customize-hook=" + hooks.resolve(request.customizeHook()),
                request.suite(), request.target().toString()));
        command.addAll(mirror.sourceLines(request.suite()));
        return command;
    }
}
