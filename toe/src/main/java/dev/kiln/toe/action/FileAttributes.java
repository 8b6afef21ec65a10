package dev.kiln.toe.action;

import dev.kiln.toe.action.TargetFiles.Kind;
import java.io.IOException;

/**
 * SetFileOwner, SetFolderOwner, SetFilePermissions and SetFolderPermissions. The folder modules act
 * on everything inside too unless recursive is false; links inside are left alone.
 */
record FileAttributes(Kind kind) {

    record OwnerRequest(String path, String owner, String group, boolean recursive) {
    }

    record ModeRequest(String path, int mode, boolean recursive) {
    }

    static Action owner(String module, Kind kind) {
        FileAttributes a = new FileAttributes(kind);
        return EachInput.of(module, a::readOwner, a::setOwner);
    }

    static Action permissions(String module, Kind kind) {
        FileAttributes a = new FileAttributes(kind);
        return EachInput.of(module, a::readMode, a::setMode);
    }

    private OwnerRequest readOwner(Inputs in) throws StepFailedException {
        String owner = FileInputs.principal(in, "owner");
        if (owner == null) {
            throw new StepFailedException(in.where() + ".owner is required");
        }
        return new OwnerRequest(FileInputs.path(in, "path"), owner, FileInputs.principal(in, "group"),
                recursive(in));
    }

    private ModeRequest readMode(Inputs in) throws StepFailedException {
        return new ModeRequest(FileInputs.path(in, "path"), FileInputs.mode(in, "permissions"), recursive(in));
    }

    /** Only the folder modules have the input; AWSTOE's default for them is true. */
    private boolean recursive(Inputs in) throws StepFailedException {
        return kind == Kind.FOLDER && in.bool("recursive", true);
    }

    /** Without a group, the file gets the owner's login group, as AWSTOE documents (chown user: ). */
    private String setOwner(OwnerRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException, InterruptedException {
        files.existing(request.path(), kind);
        String group = request.group() != null ? request.group() : files.primaryGroup(request.owner());
        files.target().setOwner(request.path(), request.owner(), group, request.recursive());
        context.log("Set owner of " + request.path() + " to " + request.owner() + ":" + group
                + suffix(request.recursive()));
        return null;
    }

    private String setMode(ModeRequest request, TargetFiles files, ActionContext context)
            throws IOException, StepFailedException {
        files.existing(request.path(), kind);
        files.target().setPermissions(request.path(), request.mode(), request.recursive());
        context.log("Set permissions of " + request.path() + " to " + FileInputs.octal(request.mode())
                + suffix(request.recursive()));
        return null;
    }

    private static String suffix(boolean recursive) {
        return recursive ? ", recursively" : "";
    }
}
