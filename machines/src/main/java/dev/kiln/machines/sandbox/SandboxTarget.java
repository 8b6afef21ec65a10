package dev.kiln.machines.sandbox;

import dev.kiln.machines.target.ShellTarget;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/** A sandbox seen by components: programs run through nsenter and chroot; files go through those programs. */
final class SandboxTarget extends ShellTarget {

    private final SandboxInstance instance;

    SandboxTarget(SandboxInstance instance) {
        super("sandbox instance " + instance.instanceId(), Platform.LINUX);
        this.instance = instance;
    }

    @Override
    protected ExecResult execRaw(List<String> argv, InputStream stdin, OutputStream stdout, OutputStream stderr,
                                 Duration timeout) throws IOException, InterruptedException {
        return execOnHost(instance.command(argv), stdin, stdout, stderr, timeout);
    }

    /** Restarts the sandbox's processes, not a kernel: files stay, /tmp and /run are emptied. */
    @Override
    public RebootOutcome reboot(Duration delay) throws IOException, InterruptedException {
        RebootOutcome outcome = instance.reboot(delay);
        workFolderMayHaveVanished();
        return outcome;
    }
}
