package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.common.wait.Deadline;
import dev.kiln.toe.action.Transfers.StagedFile;
import dev.kiln.toe.action.Transfers.TargetWriteException;
import dev.kiln.common.s3.S3Client;
import dev.kiln.common.s3.S3Exception;
import dev.kiln.common.s3.S3Location;
import dev.kiln.common.s3.S3Object;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * S3Download: copies an object, or every object under a prefix ({@code s3://bucket/prefix/*}, at most
 * 1000), from the S3-compatible endpoint to the target. As in AWSTOE, the destination's folder must
 * exist already (for a prefix, folders inside the destination are made as the keys need them), and
 * what was downloaded before a failure stays.
 */
final class S3Download implements Action {
    private static final String MODULE = "S3Download";
    static final int MAX_OBJECTS = 1000;

    /** One operation; for a prefix, {@code source.key()} is the prefix without its '*'. */
    private record Download(S3Location source, boolean prefix, String destination, boolean overwrite,
                            String expectedBucketOwner) {
    }

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Deadline deadline = Transfers.deadline(context);
        S3Client s3 = Transfers.s3(MODULE, context, deadline);
        return EachInput.of(MODULE, S3Download::download, (d, files, ctx) -> {
            if (d.prefix()) {
                downloadAll(ctx, files, s3, d, deadline);
            } else {
                String key = d.source().key();
                String destination = files.syntax().endsWithSeparator(d.destination())
                        ? files.syntax().join(d.destination(), key.substring(key.lastIndexOf('/') + 1))
                        : d.destination();
                String folder = files.syntax().parent(destination);
                if (folder != null) {
                    files.existing(folder, Kind.FOLDER);
                }
                downloadOne(ctx, files, s3, d, d.source(), destination, deadline);
            }
            return null;
        }).run(context);
    }

    private static Download download(Inputs in) throws StepFailedException {
        String source = in.string("source");
        S3Location location;
        try {
            location = S3Location.parse(source);
        } catch (S3Exception e) {
            throw new StepFailedException(in.where() + ".source " + e.getMessage());
        }
        String key = location.key();
        boolean prefix = key.equals("*") || key.endsWith("/*");
        if (prefix) {
            location = location.withKey(key.substring(0, key.length() - 1));
        } else if (key.contains("*")) {
            throw new StepFailedException(in.where() + ".source " + source
                    + ": a * may only end the key, as in s3://bucket/prefix/*");
        } else if (key.isEmpty() || key.endsWith("/")) {
            throw new StepFailedException(in.where() + ".source " + source
                    + " names no object; end it with /* to download all objects under a prefix");
        }
        return new Download(location, prefix, in.string("destination"), in.bool("overwrite", true),
                in.string("expectedBucketOwner", null));
    }

    private static void downloadAll(ActionContext context, TargetFiles files, S3Client s3, Download d,
                                    Deadline deadline) throws IOException, StepFailedException, InterruptedException {
        String folder = d.destination();
        files.existing(folder, Kind.FOLDER);
        String what = d.source() + "*";
        List<S3Object> objects;
        try {
            S3Client.Listing listing = s3.list(d.source().bucket(), d.source().key(), MAX_OBJECTS,
                    d.expectedBucketOwner());
            if (listing.truncated()) {
                throw new StepFailedException("there are more than " + MAX_OBJECTS + " objects under " + what
                        + "; S3Download takes at most " + MAX_OBJECTS);
            }
            objects = listing.objects();
        } catch (S3Exception e) {
            throw new StepFailedException("cannot list " + what + ": " + e.getMessage());
        } catch (IOException e) {
            throw new StepFailedException("cannot list " + what + ": " + Transfers.describe(e, deadline));
        }
        if (objects.isEmpty()) {
            throw new StepFailedException("there are no objects under " + what);
        }
        for (S3Object object : objects) {
            String relative = object.key().substring(d.source().key().length());
            // Keys come from the server: one with ".." would write outside the destination folder.
            if (List.of(relative.split("/")).contains("..")) {
                throw new StepFailedException("key " + object.key() + " would leave the destination folder " + folder);
            }
            if (relative.isEmpty()) {
                continue;
            }
            String path = files.syntax().join(folder, relative);
            if (relative.endsWith("/")) {
                // A folder marker: the empty object consoles and tools make for a folder.
                files.target().createFolders(path);
            } else {
                files.createParent(path);
                downloadOne(context, files, s3, d, d.source().withKey(object.key()), path, deadline);
            }
        }
    }

    private static void downloadOne(ActionContext context, TargetFiles files, S3Client s3, Download d,
                                    S3Location object, String destination, Deadline deadline)
            throws IOException, StepFailedException, InterruptedException {
        Optional<FileInfo> existing = files.stat(destination);
        if (existing.isPresent() && existing.get().isFolder()) {
            throw new StepFailedException("cannot download " + object + ": " + destination + " is a folder");
        }
        if (existing.isPresent() && !d.overwrite()) {
            // AWSTOE's own words, then ours.
            throw new StepFailedException("File already exists and \"overwrite\" property for \"destination\" file"
                    + " is set to false. Cannot download. (" + object + " to " + destination + ")");
        }
        context.log(MODULE + ": downloading " + object + " to " + destination);
        try (InputStream content = s3.get(object, d.expectedBucketOwner());
             StagedFile file = new StagedFile(files.target(), destination)) {
            file.copyFrom(content, null, deadline);
            file.commit();
        } catch (S3Exception e) {
            throw new StepFailedException("cannot download " + object + ": " + e.getMessage());
        } catch (IOException e) {
            throw new StepFailedException("cannot download " + object + ": " + Transfers.describe(e, deadline));
        } catch (TargetWriteException e) {
            throw new StepFailedException("cannot download " + object + ": " + e.getMessage());
        }
    }
}
