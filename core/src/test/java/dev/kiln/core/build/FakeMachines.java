package dev.kiln.core.build;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.Instance;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.machine.InstanceException;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.toe.target.LocalTarget;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fast stand-in for the machines module: "instances" run components on this host (LocalTarget in
 * a folder of their own), captured disks are small files, and the image store is a map. Real VMs and
 * sandboxes are tested in the machines module and end to end in the server's ITs.
 */
final class FakeMachines implements InstanceBackend, ImageStore, BaseImageSource {
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, MachineImage> images = new ConcurrentHashMap<>();
    final Set<String> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    volatile boolean failLaunch;
    volatile Duration launchDelay = Duration.ZERO;
    /** What the host-program checks were asked, in order: "backend", "base-image NAME". */
    final List<String> hostChecks = new CopyOnWriteArrayList<>();
    /** When set, the backend's host-program check fails with it, as a backend on a host without QEMU would. */
    volatile String hostLacks;

    MachineImage base(String region) {
        return MachineImage.builder().setImageId("ami-00000000000000aa1").setRegion(region).setName("debian-12-x86")
                .setDescription("base").setOwnerId("aws").setCreationDate(Instant.EPOCH).setState("available")
                .setRootVolumeSizeGiB(3).setDisk(Path.of("/base.qcow2")).setDiskSha256("00")
                .setBoot(new Boot(Boot.Mode.KERNEL, Path.of("/vmlinuz"), null, "")).setPublicLaunch(true).build();
    }

    @Override
    public MachineImage machineImage(String name, String region, BuildLog log) {
        return base(region);
    }

    @Override
    public boolean serves(String instanceType) {
        return true;
    }

    @Override
    public void checkHostPrograms() {
        hostChecks.add("backend");
        if (hostLacks != null) {
            throw new dev.kiln.core.log.BuildFailure(hostLacks);
        }
    }

    @Override
    public void checkHostPrograms(String name) {
        hostChecks.add("base-image " + name);
    }

    @Override
    public Instance launch(InstanceRequest request, BuildLog log) throws IOException, InterruptedException {
        events.add("launch " + request.image().imageId() + (request.userData() == null ? "" : " with user data"));
        Thread.sleep(launchDelay.toMillis());
        if (failLaunch) {
            throw new InstanceException("instance " + request.instanceId() + " never became reachable");
        }
        Files.createDirectories(request.workFolder());
        open.add(request.instanceId());
        return new FakeInstance(request);
    }

    @Override
    public void sweepOrphans(BuildLog log) {
        events.add("sweep");
    }

    @Override
    public MachineImage register(MachineImage t, Path diskFile) throws IOException {
        String id = String.format("ami-%017x", ids.incrementAndGet());
        MachineImage image = t.toBuilder().setImageId(id).setCreationDate(Instant.parse("2026-11-26T10:00:00Z"))
                .setState("available").setDisk(diskFile).setDiskSha256("sha").build();
        images.put(id, image);
        events.add("register " + id);
        return image;
    }

    @Override
    public Optional<MachineImage> find(String region, String imageId) {
        return Optional.ofNullable(images.get(imageId)).filter(i -> i.region().equals(region));
    }

    @Override
    public List<MachineImage> list(String region) {
        return images.values().stream().filter(i -> i.region().equals(region)).toList();
    }

    @Override
    public MachineImage update(MachineImage image) {
        images.put(image.imageId(), image);
        return image;
    }

    /** Regions whose copies fail, as a disk that cannot be written there would. */
    final Set<String> failingRegions = ConcurrentHashMap.newKeySet();

    @Override
    public MachineImage copy(MachineImage source, MachineImage t) throws IOException {
        if (failingRegions.contains(t.region())) {
            throw new IOException("no space left on device");
        }
        String id = String.format("ami-%017x", ids.incrementAndGet());
        MachineImage image = t.toBuilder().setImageId(id).setArchitecture(source.architecture())
                .setCreationDate(Instant.parse("2026-11-26T10:00:00Z")).setState("available")
                .setRootVolumeSizeGiB(source.rootVolumeSizeGiB()).setDisk(source.disk())
                .setDiskSha256(source.diskSha256()).setBoot(source.boot()).build();
        images.put(id, image);
        events.add("copy " + source.imageId() + " to " + t.region() + " for " + t.ownerId());
        return image;
    }

    @Override
    public void deregister(String region, String imageId) {
        images.remove(imageId);
        events.add("deregister " + imageId);
    }

    private final class FakeInstance implements Instance {
        private final InstanceRequest request;
        private final LocalTarget target;

        FakeInstance(InstanceRequest request) {
            this.request = request;
            this.target = new LocalTarget(request.workFolder());
        }

        @Override
        public String instanceId() {
            return request.instanceId();
        }

        @Override
        public Target target() {
            return target;
        }

        @Override
        public String howToConnect() {
            return "ssh " + request.instanceId();
        }

        @Override
        public CapturedDisk captureImage(Path outputFolder, Duration timeout) throws IOException {
            events.add("capture");
            Path disk = Files.writeString(outputFolder.resolve("disk.qcow2"), "captured");
            return new CapturedDisk(disk, request.image().boot(), 3);
        }

        @Override
        public String consoleTail(int lines) {
            return "";
        }

        @Override
        public void close() {
            if (open.remove(request.instanceId())) {
                events.add("close");
            }
        }
    }
}
