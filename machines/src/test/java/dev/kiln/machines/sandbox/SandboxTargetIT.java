package dev.kiln.machines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.log.BuildLog;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.InstanceRequest;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Target;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The component engine's view of a sandbox: ShellTarget's operations through nsenter and chroot. */
class SandboxTargetIT {

    @TempDir
    Path dir;

    private SandboxInstance sandbox;
    private Target target;

    @BeforeEach
    void launch() throws Exception {
        Path tree = BusyboxTree.create(dir.resolve("tree"));
        RootTrees trees = new RootTrees(dir.resolve("cache"));
        trees.register("busybox", List.of(tree));
        MachineImage image = MachineImage.builder().setImageId("ami-0123456789abcdef0").setRegion("us-east-1")
                .setName("busybox").setDescription("").setOwnerId("aws").setCreationDate(Instant.now())
                .setState("available").setRootVolumeSizeGiB(1).setDiskSha256("busybox").setBoot(Boot.firmware())
                .build();
        sandbox = (SandboxInstance) new SandboxBackend(trees).launch(new InstanceRequest("i-0123456789abcdef0", image,
                "kiln.sandbox", null, dir.resolve("instance"), Duration.ofMinutes(1)),
                BuildLog.discarding(Clock.systemUTC()));
        target = sandbox.target();
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void readsAndWritesFilesByteForByteInsideTheChroot() throws Exception {
        String folder = target.workFolder();
        byte[] data = {0, 1, (byte) 0xff, '\r', '\n'};
        target.write(folder + "/data", data, false);
        target.write(folder + "/data", new byte[] {'x'}, true);

        assertThat(target.read(folder + "/data")).containsExactly(0, 1, 0xff, '\r', '\n', 'x');
        assertThat(target.stat(folder + "/data")).get().extracting(FileInfo::size, FileInfo::owner)
                .containsExactly(6L, "root");
        assertThat(sandbox.rootFolder().resolve(folder.substring(1))).doesNotExist();
    }

    @Test
    void runsWithTheRequestsEnvironmentAndWorkingFolder() throws Exception {
        target.createFolders("/srv/app");
        List<String> out = new CopyOnWriteArrayList<>();
        var result = target.exec(new ExecRequest(List.of("sh", "-c", "pwd; echo $GREETING; echo $HOME"),
                Map.of("GREETING", "hi"), "/srv/app", Duration.ofSeconds(30)), new OutputListener() {
                    @Override
                    public void stdout(String line) {
                        out.add(line);
                    }

                    @Override
                    public void stderr(String line) {
                        out.add("stderr: " + line);
                    }
                });
        assertThat(result.succeeded()).isTrue();
        assertThat(out).containsExactly("/srv/app", "hi", "/root");
        assertThat(sandbox.upperDir().resolve("srv/app")).isDirectory();
    }

    @Test
    void aRebootResumesWithTheWorkFolderThere() throws Exception {
        String folder = target.workFolder();
        target.write("/root/kept", "kept".getBytes(), false);

        assertThat(target.reboot(Duration.ZERO)).isEqualTo(Target.RebootOutcome.RESUMED);

        assertThat(target.workFolder()).isEqualTo(folder);
        assertThat(target.stat(folder)).get().extracting(FileInfo::isFolder).isEqualTo(true);
        assertThat(target.read("/root/kept")).asString().isEqualTo("kept");
    }
}
