package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.util.List;

/** DeleteFile and DeleteFolder. */
final class FileRemoval {
    private FileRemoval() {
    }

    record FileRequest(String path) {
        static FileRequest read(Inputs in) throws StepFailedException {
            return new FileRequest(FileInputs.path(in, "path"));
        }
    }

    record FolderRequest(String path, boolean force) {
        static FolderRequest read(Inputs in) throws StepFailedException {
            return new FolderRequest(FileInputs.path(in, "path"), in.bool("force", false));
        }
    }

    static Action deleteFile() {
        return EachInput.of("DeleteFile", FileRequest::read, FileRemoval::deleteFile);
    }

    static Action deleteFolder() {
        return EachInput.of("DeleteFolder", FolderRequest::read, FileRemoval::deleteFolder);
    }

    /**
     * A named file must exist; a * pattern may match nothing, since "delete whatever logs there are"
     * is what it is for. A link is deleted itself, never what it leads to.
     */
    private static String deleteFile(FileRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String path = request.path();
        if (files.syntax().hasWildcard(path)) {
            List<String> matches = files.expand(path, Kind.FILE);
            if (matches.isEmpty()) {
                context.log("No file matches " + path);
            }
            for (String match : matches) {
                delete(match, files, context);
            }
            return null;
        }
        // Not stat: it follows links, and a dangling link is still a file to delete.
        FileInfo entry = files.entry(path)
                .orElseThrow(() -> new StepFailedException("file " + path + " does not exist"));
        if (entry.isFolder()) {
            throw new StepFailedException(path + " is a folder, not a file");
        }
        delete(path, files, context);
        return null;
    }

    private static void delete(String path, TargetFiles files, ActionContext context) throws IOException {
        files.target().delete(path, false);
        context.log("Deleted file " + path);
    }

    private static String deleteFolder(FolderRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        String path = request.path();
        files.existing(path, Kind.FOLDER);
        if (!request.force() && !files.target().list(path, false).isEmpty()) {
            throw new StepFailedException("folder " + path + " is not empty; set force to true to delete it"
                    + " with its contents");
        }
        files.target().delete(path, request.force());
        context.log("Deleted folder " + path);
        return null;
    }
}
