package dev.kiln.toe.action;

import dev.kiln.toe.target.FileInfo;
import dev.kiln.toe.target.Platform;
import java.io.IOException;

/**
 * The owner, group and mode that CreateFile and CreateFolder may be given. What is not given stays as
 * the system made it (the engine's user and group, the mode its umask leaves).
 */
record Ownership(String owner, String group, Integer mode) {

    static Ownership read(Inputs in) throws StepFailedException {
        return new Ownership(FileInputs.principal(in, "owner"), FileInputs.principal(in, "group"),
                FileInputs.optionalMode(in, "permissions"));
    }

    boolean isEmpty() {
        return owner == null && group == null && mode == null;
    }

    void apply(TargetFiles files, String path) throws IOException, StepFailedException {
        if (isEmpty()) {
            return;
        }
        if (files.target().platform() == Platform.WINDOWS) {
            throw new StepFailedException("owner, group and permissions are not supported on Windows");
        }
        if (owner != null || group != null) {
            // The target sets an owner always, so keep the current one when only a group was given.
            String user = owner != null ? owner : files.stat(path).map(FileInfo::owner)
                    .orElseThrow(() -> new StepFailedException(path + " does not exist"));
            files.target().setOwner(path, user, group, false);
        }
        // After chown, which clears setuid and setgid bits: the mode asked for is the mode left.
        if (mode != null) {
            files.target().setPermissions(path, mode, false);
        }
    }
}
