package dev.kiln.machines.container;

import dev.kiln.machines.base.HostPrograms;
import java.io.IOException;
import java.nio.file.Path;

/** The host programs a working container's file operations go through, by absolute path. */
record HostTools(Path mount, Path umount, Path env, Path chroot) {

    static HostTools find() throws IOException {
        return new HostTools(HostPrograms.require("mount", "mount"), HostPrograms.require("umount", "mount"),
                HostPrograms.require("env", "coreutils"), HostPrograms.require("chroot", "coreutils"));
    }
}
