package dev.kiln.machines.container;

import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The host programs a working container's file operations and held programs go through, by absolute
 * path (all from Debian's essential packages).
 */
record HostTools(Path mount, Path umount, Path env, Path chroot, Path sh, Path prlimit, Path nsenter, Path setpriv) {

    static HostTools find() throws IOException {
        return new HostTools(HostPrograms.require("mount"), HostPrograms.require("umount"),
                HostPrograms.require("env"), HostPrograms.require("chroot"),
                HostPrograms.require("sh"), HostPrograms.require("prlimit"),
                HostPrograms.require("nsenter"), HostPrograms.require("setpriv"));
    }
}
