package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import dev.kiln.toe.target.FileInfo;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * CopyFile, CopyFolder, MoveFile and MoveFolder. The destination is the new path itself, unless it
 * ends with a separator or the source has a * wildcard: then it is the folder to put the sources
 * in, under their own names. Missing folders above the destination are created. An existing
 * destination is replaced only when overwrite is true (the default); a copied folder is merged into
 * an existing one, file by file, while a moved folder replaces it.
 */
record FileTransfers(String module, Kind kind, boolean move) {

    record Request(String source, String destination, boolean overwrite) {
        static Request read(Inputs in) throws StepFailedException {
            return new Request(FileInputs.path(in, "source"), FileInputs.path(in, "destination"),
                    in.bool("overwrite", true));
        }
    }

    static Action copy(String module, Kind kind) {
        return new FileTransfers(module, kind, false).action();
    }

    static Action move(String module, Kind kind) {
        return new FileTransfers(module, kind, true).action();
    }

    private Action action() {
        return EachInput.of(module, Request::read, this::run);
    }

    private String run(Request request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        PathSyntax syntax = files.syntax();
        List<String> sources = files.expand(request.source(), kind);
        if (sources.isEmpty()) {
            throw new StepFailedException("no " + kind.noun() + " matches " + request.source());
        }
        boolean intoFolder = syntax.endsWithSeparator(request.destination()) || syntax.hasWildcard(request.source());
        for (String source : sources) {
            String destination = intoFolder ? syntax.join(request.destination(), syntax.name(source))
                    : syntax.trim(request.destination());
            transfer(source, destination, request.overwrite(), intoFolder, files);
            context.log((move ? "Moved " : "Copied ") + source + " to " + destination);
        }
        return null;
    }

    private void transfer(String source, String destination, boolean overwrite, boolean intoFolder,
                          TargetFiles files) throws IOException, StepFailedException {
        String verb = move ? "move" : "copy";
        if (files.syntax().isWithin(destination, source)) {
            // Replacing a path with itself would delete it first; copying a folder into itself never ends.
            String where = files.syntax().trim(source).equals(destination) ? "the same path" : "inside it";
            throw new StepFailedException("cannot " + verb + " " + source + " to " + destination
                    + ", which is " + where);
        }
        Optional<FileInfo> existing = files.stat(destination);
        if (existing.isEmpty()) {
            files.createParent(destination);
        } else if (!overwrite) {
            throw new StepFailedException(destination + " already exists and overwrite is false");
        } else if (!kind.holds(existing.get())) {
            throw new StepFailedException("destination " + destination + " is a " + kind.other().noun()
                    + (kind == Kind.FILE && !intoFolder ? "; end it with / to " + verb + " the file into it" : ""));
        }
        if (move) {
            files.target().move(source, destination, overwrite);
        } else {
            files.target().copy(source, destination, overwrite);
        }
    }
}
