package dev.kiln.machines.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldProcessTest {

    private static final List<String> ARGS = List.of("-c", Holder.SCRIPT, "kiln-holder-kiln-x-1234");
    private static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max processes             32768                32768                processes
            Max open files            1024                 1024                 files
            Max nice priority         0                    0
            """;
    private static final HostTools HOST = new HostTools(Path.of("/bin/mount"), Path.of("/bin/umount"),
            Path.of("/usr/bin/env"), Path.of("/usr/sbin/chroot"), Path.of("/bin/sh"), Path.of("/usr/bin/prlimit"),
            Path.of("/usr/bin/nsenter"), Path.of("/usr/bin/setpriv"));

    @TempDir
    Path proc;

    @BeforeEach
    void fakeProc() throws IOException {
        Path p = Files.createDirectories(proc.resolve("42/ns"));
        Files.write(p.resolveSibling("cmdline"), "/usr/bin/sh\0-c\0echo $$; read _; exit 0\0kiln-holder-kiln-x-1234\0"
                .getBytes());
        Files.writeString(p.resolveSibling("stat"), "42 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777 19 20");
        Files.write(p.resolveSibling("environ"), "PATH=/usr/bin:/bin\0HOME=/home/app\0HOSTNAME=abc\0".getBytes());
        Files.writeString(p.resolveSibling("status"), status("1000", "1000", "50 1000 ", "0000000000000000",
                "00000000800405fb", "0022"));
        Files.writeString(p.resolveSibling("limits"), LIMITS);
        Files.createSymbolicLink(p.resolveSibling("root"), Path.of("/var/tmp/buildah1/mnt/rootfs"));
        Files.createSymbolicLink(p.resolveSibling("cwd"), Path.of("/var/tmp/buildah1/mnt/rootfs/srv"));
        Path self = Files.createDirectories(proc.resolve("self/ns"));
        for (String ns : List.of("mnt", "uts", "ipc", "net", "pid", "cgroup", "user", "time")) {
            Files.createSymbolicLink(self.resolve(ns), Path.of(ns + ":[1]"));
            Files.createSymbolicLink(p.resolve(ns), Path.of(ns + (ns.equals("mnt") || ns.equals("uts") ? ":[2]"
                    : ":[1]")));
        }
        Files.writeString(self.resolveSibling("status"), status("0", "0", "", "000001ffffffffff", "000001ffffffffff",
                "0022"));
    }

    @Test
    void entersTheNamespacesAndStateBuildahGaveTheProcess() throws Exception {
        HeldProcess held = HeldProcess.read(proc, 42, ARGS);

        assertThat(held.command(HOST, "0022", List.of("bash", "step.sh"))).containsExactly(
                "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/home/app", "HOSTNAME=abc",
                "/usr/bin/prlimit", "--cpu=unlimited:unlimited", "--nproc=32768:32768", "--nofile=1024:1024",
                "--nice=0:0",
                "/usr/bin/nsenter", "-t", "42", "-m", "-u", "--wd", "--",
                "/usr/bin/setpriv", "--bounding-set", "-all,+cap_0,+cap_1,+cap_3,+cap_4,+cap_5,+cap_6,+cap_7,+cap_8,"
                        + "+cap_10,+cap_18,+cap_31", "--inh-caps", "-all", "--regid", "1000", "--groups", "50,1000",
                "--", "/usr/bin/nsenter", "--root=/var/tmp/buildah1/mnt/rootfs", "-S", "1000", "--", "bash", "step.sh");
    }

    @Test
    void setsTheUmaskFirstWhenOursDiffers() throws Exception {
        HeldProcess held = HeldProcess.read(proc, 42, ARGS);

        assertThat(held.command(HOST, "0077", List.of("true")).subList(0, 6))
                .containsExactly("/bin/sh", "-c", "umask \"$1\" && shift && exec \"$@\"", "sh", "0022", "/usr/bin/env");
    }

    @Test
    void refusesAProcessBuildahDidNotStartForUs() {
        assertThatThrownBy(() -> HeldProcess.read(proc, 42, List.of("-c", Holder.SCRIPT, "kiln-holder-other")))
                .isInstanceOf(IOException.class).hasMessageContaining("not the one buildah started");
    }

    @Test
    void refusesAProcessInAUserNamespace() throws Exception {
        Files.delete(proc.resolve("42/ns/user"));
        Files.createSymbolicLink(proc.resolve("42/ns/user"), Path.of("user:[9]"));

        assertThatThrownBy(() -> HeldProcess.read(proc, 42, ARGS))
                .isInstanceOf(IOException.class).hasMessageContaining("user namespace");
    }

    @Test
    void isUnusableOnceItEndedOrItsFolderWasDeleted() throws Exception {
        HeldProcess held = HeldProcess.read(proc, 42, ARGS);
        assertThat(held.usable(proc)).isTrue();

        Files.delete(proc.resolve("42/cwd"));
        Files.createSymbolicLink(proc.resolve("42/cwd"), Path.of("/var/tmp/buildah1/mnt/rootfs/srv (deleted)"));
        assertThat(held.usable(proc)).isFalse();

        Files.delete(proc.resolve("42/stat"));
        assertThat(held.usable(proc)).isFalse();
    }

    @Test
    void reportsWhatAProbeSawDifferently() throws Exception {
        HeldProcess held = HeldProcess.read(proc, 42, ARGS);
        String same = status("1000", "1000", "50 1000", "0000000000000000", "00000000800405fb", "0022")
                + HeldProcess.PROBE_SEPARATOR + "\n" + LIMITS;
        String other = status("1000", "1000", "1000", "0000000000000000", "00000000800405fb", "0022")
                + HeldProcess.PROBE_SEPARATOR + "\n" + LIMITS.replace("1024                 1024",
                "20000                20000");

        assertThat(held.differences(same)).isEmpty();
        assertThat(held.differences(other)).containsExactly("Groups 1000 instead of 50 1000",
                "limit nofile 20000:20000 instead of 1024:1024");
        assertThat(held.differences("sh: cannot open /proc/self/status")).singleElement().asString()
                .startsWith("the probe printed no status and limits");
    }

    @Test
    void readsStartTimesPastCommandNamesWithSpacesAndParentheses() {
        assertThat(HeldProcess.startTime("7 (a b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99 19"))
                .isEqualTo("99");
    }

    @Test
    void listsTheCapabilitiesOfAMask() {
        assertThat(HeldProcess.capabilities("-all", "0000000000000000")).isEqualTo("-all");
        assertThat(HeldProcess.capabilities("", "0000010080000001")).isEqualTo("+cap_0,+cap_31,+cap_40");
    }

    private static String status(String uid, String gid, String groups, String inheritable, String bounding,
                                 String umask) {
        boolean root = uid.equals("0");
        return "Name:\tsh\nUmask:\t" + umask + "\nState:\tS (sleeping)\nUid:\t" + uid + "\t" + uid + "\t" + uid
                + "\t" + uid + "\nGid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\nGroups:\t" + groups
                + "\nCapInh:\t" + inheritable + "\nCapPrm:\t" + (root ? bounding : "0000000000000000")
                + "\nCapEff:\t" + (root ? bounding : "0000000000000000") + "\nCapBnd:\t" + bounding
                + "\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n";
    }
}
