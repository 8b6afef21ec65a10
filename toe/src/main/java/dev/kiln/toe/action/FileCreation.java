package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.util.Optional;

/** CreateFile, CreateFolder and CreateSymlink. Each creates the missing folders above its path. */
final class FileCreation {
    private FileCreation() {
    }

    record FileRequest(String path, String content, TextEncoding encoding, Ownership ownership, boolean overwrite) {
        static FileRequest read(Inputs in) throws StepFailedException {
            return new FileRequest(FileInputs.path(in, "path"), in.string("content", ""), FileInputs.encoding(in),
                    Ownership.read(in), in.bool("overwrite", true));
        }
    }

    record FolderRequest(String path, Ownership ownership, boolean overwrite) {
        static FolderRequest read(Inputs in) throws StepFailedException {
            return new FolderRequest(FileInputs.path(in, "path"), Ownership.read(in), in.bool("overwrite", true));
        }
    }

    record LinkRequest(String path, String target, boolean force) {
        static LinkRequest read(Inputs in) throws StepFailedException {
            return new LinkRequest(FileInputs.path(in, "path"), FileInputs.path(in, "target"),
                    in.bool("force", false));
        }
    }

    static Action createFile() {
        return EachInput.of("CreateFile", FileRequest::read, FileCreation::createFile);
    }

    static Action createFolder() {
        return EachInput.of("CreateFolder", FolderRequest::read, FileCreation::createFolder);
    }

    static Action createSymlink() {
        return EachInput.of("CreateSymlink", LinkRequest::read, FileCreation::createSymlink);
    }

    private static String createFile(FileRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String path = request.path();
        Optional<FileInfo> existing = files.stat(path);
        if (existing.isPresent()) {
            refuseExisting(path, existing.get(), Kind.FILE, request.overwrite());
        } else {
            files.createParent(path);
        }
        files.target().write(path, request.encoding().encode(request.content()), false);
        request.ownership().apply(files, path);
        context.log("Created file " + path);
        return null;
    }

    /**
     * An existing folder is kept with what it holds: the AWSTOE docs say overwrite "truncates" it, but
     * emptying a folder such as /etc/app because a document made sure it exists would lose data.
     */
    private static String createFolder(FolderRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String path = request.path();
        Optional<FileInfo> existing = files.stat(path);
        if (existing.isPresent()) {
            refuseExisting(path, existing.get(), Kind.FOLDER, request.overwrite());
        } else {
            files.target().createFolders(path);
        }
        request.ownership().apply(files, path);
        context.log("Created folder " + path);
        return null;
    }

    private static void refuseExisting(String path, FileInfo existing, Kind kind, boolean overwrite)
            throws StepFailedException {
        if (!kind.holds(existing)) {
            throw new StepFailedException(path + " is a " + kind.other().noun() + ", not a " + kind.noun());
        }
        if (!overwrite) {
            throw new StepFailedException(path + " already exists and overwrite is false");
        }
    }

    /**
     * The target must exist; a relative target is looked for next to the link, where the link will
     * lead. Only a link may be replaced, and only with force: a file or folder at the path is never
     * deleted to make room.
     */
    private static String createSymlink(LinkRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        PathSyntax syntax = files.syntax();
        String path = request.path();
        String folder = syntax.parent(path);
        String resolved = syntax.isAbsolute(request.target()) || folder == null ? request.target()
                : syntax.join(folder, request.target());
        if (files.stat(resolved).isEmpty()) {
            throw new StepFailedException("link target " + resolved + " does not exist");
        }
        Optional<FileInfo> existing = files.entry(path);
        if (existing.isPresent()) {
            if (existing.get().type() != FileInfo.Type.SYMLINK) {
                throw new StepFailedException(path + " exists and is not a symbolic link");
            }
            if (!request.force()) {
                throw new StepFailedException("link " + path + " already exists and force is false");
            }
        } else {
            files.createParent(path);
        }
        files.target().createSymlink(path, request.target(), existing.isPresent());
        context.log("Linked " + path + " to " + request.target());
        return null;
    }
}
