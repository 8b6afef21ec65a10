package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * ListFiles: the files (not folders) in a folder, or under it when recursive, whose names match
 * fileNamePattern. Output {@code files} holds the paths, sorted, joined by commas, the operations'
 * lists one after another.
 */
final class FileListing {
    private FileListing() {
    }

    record Request(String path, Wildcard pattern, boolean recursive) {
        static Request read(Inputs in) throws StepFailedException {
            return new Request(FileInputs.path(in, "path"), Wildcard.of(in.string("fileNamePattern", "*")),
                    in.bool("recursive", false));
        }
    }

    static Action listFiles() {
        return EachInput.of("ListFiles", Request::read, FileListing::list).withOutput("files", ",");
    }

    private static String list(Request request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        files.existing(request.path(), Kind.FOLDER);
        List<String> found = new ArrayList<>();
        for (FileInfo entry : files.target().list(request.path(), request.recursive())) {
            if (request.pattern().matches(files.syntax().name(entry.path())) && !files.resolve(entry).isFolder()) {
                found.add(entry.path());
            }
        }
        found.sort(null);
        context.log("Listed " + found.size() + (found.size() == 1 ? " file" : " files") + " in " + request.path());
        return String.join(",", found);
    }
}
