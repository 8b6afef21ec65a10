package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.common.wait.Deadline;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.common.s3.S3Location;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * S3Upload: copies a file from the target to the S3-compatible endpoint, or several: those matching
 * a {@code *} in the source's last element (at all levels below its folder with {@code recurse: true}),
 * or a whole folder with {@code recurse: true}. With several files the destination is a key prefix,
 * and each file keeps its path below the source folder.
 */
final class S3Upload implements Action {
    private static final String MODULE = "S3Upload";

    private record Upload(String source, S3Location destination, boolean recurse, String expectedBucketOwner) {
    }

    /** One file to send and the object it becomes. */
    private record Transfer(String path, S3Location object) {
    }

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Deadline deadline = Transfers.deadline(context);
        S3Client s3 = Transfers.s3(MODULE, context, deadline);
        return EachInput.of(MODULE, S3Upload::upload, (u, files, ctx) -> {
            for (Transfer t : transfers(files, u)) {
                ctx.log(MODULE + ": uploading " + t.path() + " to " + t.object());
                byte[] content = files.target().read(t.path());
                try {
                    s3.put(t.object(), content, u.expectedBucketOwner());
                } catch (S3Exception e) {
                    throw new StepFailedException("cannot upload " + t.path() + " to " + t.object() + ": "
                            + e.getMessage());
                } catch (IOException e) {
                    throw new StepFailedException("cannot upload " + t.path() + " to " + t.object() + ": "
                            + Transfers.describe(e, deadline));
                }
            }
            return null;
        }).run(context);
    }

    private static Upload upload(Inputs in) throws StepFailedException {
        String destination = in.string("destination");
        try {
            return new Upload(in.string("source"), S3Location.parse(destination), in.bool("recurse", false),
                    in.string("expectedBucketOwner", null));
        } catch (S3Exception e) {
            throw new StepFailedException(in.where() + ".destination " + e.getMessage());
        }
    }

    /** The files the source names, each with its object. */
    private static List<Transfer> transfers(TargetFiles files, Upload u) throws IOException, StepFailedException {
        PathSyntax syntax = files.syntax();
        String source = u.source();
        if (syntax.hasWildcard(source)) {
            String folder = syntax.parent(source);
            if (folder == null) {
                throw new StepFailedException(source + ": a * is allowed only in the last element of a path"
                        + " that names its folder");
            }
            return under(files, u, folder, Wildcard.of(syntax.name(source)));
        }
        FileInfo info = files.stat(source)
                .orElseThrow(() -> new StepFailedException("file " + source + " does not exist"));
        if (info.isFolder()) {
            if (!u.recurse()) {
                throw new StepFailedException(source + " is a folder: set recurse: true to upload all it holds,"
                        + " or name its files with a *");
            }
            return under(files, u, source, null);
        }
        String key = u.destination().key();
        String object = key.isEmpty() || key.endsWith("/") ? key + syntax.name(source) : key;
        return List.of(new Transfer(source, u.destination().withKey(object)));
    }

    /**
     * The files in a folder (at all levels when recursing) whose names match (all when {@code names} is
     * null), sorted, each under the destination prefix by its path below the folder.
     */
    private static List<Transfer> under(TargetFiles files, Upload u, String folder, Wildcard names)
            throws IOException, StepFailedException {
        PathSyntax syntax = files.syntax();
        files.existing(folder, Kind.FOLDER);
        String base = syntax.trim(folder);
        String prefix = u.destination().key();
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        List<FileInfo> entries = new ArrayList<>(files.target().list(base, u.recurse()));
        entries.sort(Comparator.comparing(FileInfo::path));
        List<Transfer> out = new ArrayList<>();
        for (FileInfo entry : entries) {
            if ((names == null || names.matches(syntax.name(entry.path()))) && files.resolve(entry).isFile()) {
                out.add(new Transfer(entry.path(), u.destination().withKey(prefix + keyPath(syntax, base, entry))));
            }
        }
        if (out.isEmpty()) {
            throw new StepFailedException("no files match " + u.source());
        }
        return out;
    }

    /** A listed entry's path below the folder, with '/' between its elements as S3 keys have. */
    private static String keyPath(PathSyntax syntax, String base, FileInfo entry) {
        String below = syntax.isWithin(entry.path(), base) ? entry.path().substring(base.length())
                : syntax.name(entry.path());
        StringBuilder key = new StringBuilder();
        for (char c : below.toCharArray()) {
            key.append(syntax.isSeparator(c) ? '/' : c);
        }
        return key.toString().replaceFirst("^/+", "");
    }
}
