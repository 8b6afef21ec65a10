package dev.kiln.toe.action;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks and look-ups the file modules share, done through the {@link Target} so they work the
 * same on the local host, over SSH and in a container. Failures are {@link StepFailedException}s
 * whose message names the path; {@link EachInput} adds the module and the input.
 */
final class TargetFiles {

    /** What a module expects at a path. A link counts as what it leads to. */
    enum Kind {
        FILE, FOLDER;

        boolean holds(FileInfo info) {
            return info.isFolder() == (this == FOLDER);
        }

        String noun() {
            return name().toLowerCase(Locale.ROOT);
        }

        Kind other() {
            return this == FILE ? FOLDER : FILE;
        }
    }

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    private final Target target;
    private final PathSyntax syntax;

    TargetFiles(Target target) {
        this.target = target;
        this.syntax = PathSyntax.of(target.platform());
    }

    Target target() {
        return target;
    }

    PathSyntax syntax() {
        return syntax;
    }

    /** What is at a path, following links. */
    Optional<FileInfo> stat(String path) throws IOException {
        return target.stat(path);
    }

    /** Fails unless a file (or folder) is at the path. */
    FileInfo existing(String path, Kind kind) throws IOException, StepFailedException {
        FileInfo info = target.stat(path)
                .orElseThrow(() -> new StepFailedException(kind.noun() + " " + path + " does not exist"));
        if (!kind.holds(info)) {
            throw new StepFailedException(path + " is a " + kind.other().noun() + ", not a " + kind.noun());
        }
        return info;
    }

    /**
     * The paths a source names: the path itself, which must exist; or, with a * in its last element,
     * every entry of the kind in that folder whose name matches, sorted (possibly none).
     */
    List<String> expand(String path, Kind kind) throws IOException, StepFailedException {
        if (!syntax.hasWildcard(path)) {
            existing(path, kind);
            return List.of(syntax.trim(path));
        }
        String folder = syntax.parent(path);
        if (folder == null || folder.indexOf('*') >= 0) {
            throw new StepFailedException(path + ": a * is allowed only in the last element of a path"
                    + " that names its folder");
        }
        existing(folder, Kind.FOLDER);
        Wildcard wildcard = Wildcard.of(syntax.name(path));
        List<String> matches = new ArrayList<>();
        for (FileInfo entry : target.list(folder, false)) {
            if (wildcard.matches(syntax.name(entry.path())) && kind.holds(resolve(entry))) {
                matches.add(entry.path());
            }
        }
        matches.sort(Comparator.naturalOrder());
        return matches;
    }

    /** A listed entry (lists do not follow links) as what it leads to; a dangling link stays a link. */
    FileInfo resolve(FileInfo entry) throws IOException {
        return entry.type() == FileInfo.Type.SYMLINK ? target.stat(entry.path()).orElse(entry) : entry;
    }

    /**
     * What is at a path itself, not following a link there. The target's stat follows links, so this
     * looks the name up in its folder's listing, which does not.
     */
    Optional<FileInfo> entry(String path) throws IOException {
        String folder = syntax.parent(path);
        if (folder == null) {
            return target.stat(path);
        }
        if (target.stat(folder).filter(FileInfo::isFolder).isEmpty()) {
            return Optional.empty();
        }
        String name = syntax.name(path);
        for (FileInfo e : target.list(folder, false)) {
            if (syntax.name(e.path()).equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Creates the missing folders above a path, as the create, copy and move modules do. */
    void createParent(String path) throws IOException, StepFailedException {
        String folder = syntax.parent(path);
        if (folder == null) {
            return;
        }
        Optional<FileInfo> info = target.stat(folder);
        if (info.isEmpty()) {
            target.createFolders(folder);
        } else if (!info.get().isFolder()) {
            throw new StepFailedException(folder + " is a file, not a folder");
        }
    }

    /**
     * The login group of a user (by name or id), which AWSTOE gives a file whose new owner was named
     * without a group. Asked of the target with {@code id}, since only the target knows its users.
     */
    String primaryGroup(String user) throws IOException, InterruptedException, StepFailedException {
        List<String> out = new ArrayList<>();
        ExecResult r = target.exec(ExecRequest.of(List.of("id", "-g", "--", user), LOOKUP_TIMEOUT),
                OutputListener.stdoutOnly(line -> out.add(line.trim())));
        if (!r.succeeded() || out.isEmpty() || out.get(0).isEmpty()) {
            throw new StepFailedException("user " + user + " does not exist");
        }
        return out.get(0);
    }
}
