package dev.kiln.machines.sandbox;

import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches sandbox instances (instance type {@value #INSTANCE_TYPE}, a Kiln extension): an overlay
 * over the image's root tree, mount/PID/UTS/IPC namespaces and chroot, sharing the host's kernel and
 * network. About 40 times faster than a VM under TCG for package installs and file changes; it cannot
 * test a kernel, boot or services. See {@link SandboxInstance}.
 */
public final class SandboxBackend implements InstanceBackend {

    public static final String INSTANCE_TYPE = "kiln.sandbox";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxBackend.class);

    private final RootTrees trees;
    private final Path buildsRoot;
    private final Set<Path> liveFolders = ConcurrentHashMap.newKeySet();

    /** A backend whose {@link #sweepOrphans} cleans only the tree cache (it knows no builds folder). */
    public SandboxBackend(RootTrees trees) {
        this(trees, null);
    }

    /**
     * @param buildsRoot the folder under which instances' work folders lie ({@code <data>/builds});
     *                   {@link #sweepOrphans} removes the sandbox mounts and processes it finds under it
     */
    public SandboxBackend(RootTrees trees, Path buildsRoot) {
        this.trees = trees;
        this.buildsRoot = buildsRoot == null ? null : buildsRoot.toAbsolutePath().normalize();
    }

    @Override
    public boolean serves(String instanceType) {
        return INSTANCE_TYPE.equals(instanceType);
    }

    @Override
    public Instance launch(InstanceRequest request, BuildLog log) throws IOException, InterruptedException {
        if (!serves(request.instanceType())) {
            throw new IllegalArgumentException("the sandbox backend serves instance type " + INSTANCE_TYPE
                    + ", not " + request.instanceType());
        }
        Host.requireRoot();
        Path folder = request.workFolder().toAbsolutePath().normalize();
        Instant start = Instant.now();
        liveFolders.add(folder);
        try {
            List<Path> lowers = trees.lowerDirs(request.image(), log);
            SandboxInstance instance = SandboxInstance.launch(request, lowers, log,
                    closed -> liveFolders.remove(closed.folder()));
            log.info("launched sandbox instance " + request.instanceId() + " of image " + request.image().imageId()
                    + " in " + Duration.between(start, Instant.now()).toMillis() + " ms");
            return instance;
        } catch (IOException | InterruptedException | RuntimeException e) {
            liveFolders.remove(folder);
            throw e;
        }
    }

    /**
     * Keeps the layer a sandbox capture left as the new image's root tree, so that the next sandbox of
     * that image (the test instance, a later build) mounts at once instead of extracting the disk. A
     * failure here costs only that extraction later, so it is logged, not thrown.
     */
    @Override
    public void imageRegistered(Instance instance, MachineImage image) {
        if (!(instance instanceof SandboxInstance sandbox) || sandbox.capturedLowerDirs().isEmpty()) {
            return;
        }
        try {
            List<Path> lowers = trees.adopt(image.diskSha256(), sandbox.capturedLowerDirs());
            if (lowers.isEmpty()) {
                LOG.info("image {} would stack more than {} sandbox layers: its tree will be extracted flat from "
                        + "its disk instead", image.imageId(), RootTrees.MAX_LAYERS);
            }
            sandbox.layerAdopted(lowers);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot keep the layer of sandbox {} as the root tree of image {}: {}", instance.instanceId(),
                    image.imageId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills the namespace holders and unmounts the overlays of sandboxes under the builds folder that no
     * instance of this backend owns (a crashed Kiln's), and removes unfinished tree extractions. Their
     * work folders stay: the upper dirs hold what the crashed builds did.
     */
    /** The programs a sandbox runs (unshare, nsenter, mount, qemu-img...), and root, which sandboxes need. */
    @Override
    public void checkHostPrograms() {
        HostPrograms.requireFor(HostPackages.Feature.SANDBOX);
        Host.requireRoot();
    }

    @Override
    public void sweepOrphans(BuildLog log) {
        trees.sweep(log);
        if (buildsRoot == null) {
            return;
        }
        try {
            int killed = killOrphanHolders();
            int unmounted = unmountOrphanOverlays(log);
            if (killed + unmounted > 0) {
                log.info("swept orphaned sandboxes under " + buildsRoot + ": killed " + killed
                        + " namespace holder processes, unmounted " + unmounted + " overlays");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.info("cannot sweep orphaned sandboxes under " + buildsRoot + ": " + e.getMessage());
        }
    }

    private int killOrphanHolders() throws InterruptedException {
        List<ProcessHandle> doomed = new ArrayList<>();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            Path folder = holderFolder(p.pid());
            if (folder != null && folder.startsWith(buildsRoot) && !liveFolders.contains(folder)) {
                doomed.add(p);
            }
        }
        for (ProcessHandle p : doomed) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : doomed) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Reported by the overlay that stays mounted, if anything.
            }
        }
        return doomed.size();
    }

    /** The work folder of a holder process (unshare or the namespaces' init), or null for any other process. */
    static Path holderFolder(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            for (String arg : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (arg.endsWith("/" + NamespaceHolder.SCRIPT_NAME) && arg.startsWith("/")) {
                    return Path.of(arg).getParent().normalize();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone already, or not ours to read.
        }
        return null;
    }

    private int unmountOrphanOverlays(BuildLog log) throws IOException, InterruptedException {
        int unmounted = 0;
        String umount = Host.program("umount");
        for (Host.Mount m : Host.mountsUnder(buildsRoot)) {
            if (m.type().equals("overlay") && m.source().equals(NamespaceHolder.OVERLAY_SOURCE)
                    && !liveFolders.contains(m.point().getParent())) {
                if (Host.unmount(m.point(), umount)) {
                    unmounted++;
                } else {
                    log.info("cannot unmount the orphaned sandbox overlay " + m.point());
                }
            }
        }
        return unmounted;
    }
}
