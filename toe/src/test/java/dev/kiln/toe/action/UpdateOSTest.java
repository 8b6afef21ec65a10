package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.target.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateOSTest {
    private static final String APT_OPTIONS =
            "-y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

    /**
     * A machine that only runs programs, and only pretends to: it records each command, answers the
     * {@code command -v} probes for the programs it "has", and gives the exit codes and output set up.
     */
    static final class FakeMachine implements Target {
        final Set<String> programs;
        final Platform platform;
        final List<ExecRequest> calls = new ArrayList<>();
        final Map<String, Integer> exitCodes = new HashMap<>();
        final Map<String, List<String>> outputs = new HashMap<>();
        /** Commands that run until their timeout kills them. */
        final Set<String> hanging = new HashSet<>();

        FakeMachine(Platform platform, String... programs) {
            this.platform = platform;
            this.programs = Set.of(programs);
        }

        FakeMachine(String... programs) {
            this(Platform.LINUX, programs);
        }

        /** The commands run, as text, without the probes. */
        List<String> commands() {
            return calls.stream().map(c -> String.join(" ", c.command())).filter(c -> !c.startsWith("sh -c"))
                    .toList();
        }

        ExecRequest call(String commandLine) {
            return calls.stream().filter(c -> String.join(" ", c.command()).equals(commandLine)).findFirst()
                    .orElseThrow();
        }

        @Override
        public ExecResult exec(ExecRequest request, OutputListener output) {
            calls.add(request);
            List<String> cmd = request.command();
            if (cmd.size() == 3 && cmd.get(0).equals("sh") && cmd.get(2).startsWith("command -v ")) {
                return new ExecResult(programs.contains(cmd.get(2).substring("command -v ".length())) ? 0 : 1, false);
            }
            String line = String.join(" ", cmd);
            outputs.getOrDefault(line, List.of()).forEach(output::stdout);
            return hanging.contains(line) ? new ExecResult(-1, true)
                    : new ExecResult(exitCodes.getOrDefault(line, 0), false);
        }

        @Override
        public String description() {
            return "the fake machine";
        }

        @Override
        public Platform platform() {
            return platform;
        }

        // Nothing below is UpdateOS's business.
        @Override
        public byte[] read(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(String path, byte[] data, boolean append) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<FileInfo> stat(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<FileInfo> list(String folder, boolean recursive) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void createFolders(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String path, boolean recursive) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copy(String source, String destination, boolean overwrite) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void move(String source, String destination, boolean overwrite) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setPermissions(String path, int mode, boolean recursive) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setOwner(String path, String owner, String group, boolean recursive) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void createSymlink(String path, String target, boolean force) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String workFolder() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RebootOutcome reboot(Duration delay) {
            throw new UnsupportedOperationException();
        }
    }

    private static TestContext run(FakeMachine machine, Object inputs) throws Exception {
        TestContext context = new TestContext(inputs, machine);
        new UpdateOS().run(context);
        return context;
    }

    @Test
    void upgradesEverythingWithAptNonInteractively() throws Exception {
        FakeMachine machine = new FakeMachine("apt-get", "dnf");

        run(machine, null);

        assertThat(machine.commands()).containsExactly("apt-mark showhold", "apt-get update",
                "apt-get " + APT_OPTIONS + " upgrade");
        assertThat(machine.call("apt-get update").environment()).containsEntry("DEBIAN_FRONTEND", "noninteractive");
        assertThat(machine.call("apt-get " + APT_OPTIONS + " upgrade").environment())
                .containsEntry("DEBIAN_FRONTEND", "noninteractive");
    }

    @Test
    void probesThePackageManagersInOrderOfPreference() throws Exception {
        FakeMachine machine = new FakeMachine("yum", "zypper");

        run(machine, null);

        assertThat(machine.calls.stream().filter(c -> c.command().get(0).equals("sh"))
                .map(c -> c.command().get(2))).containsExactly("command -v apt-get", "command -v dnf",
                "command -v yum");
    }

    @Test
    void holdsExcludedAptPackagesOnlyForTheUpdateAndUpgradesOnlyTheIncludedOnes() throws Exception {
        FakeMachine machine = new FakeMachine("apt-get");
        // vim was held before: UpdateOS must leave that hold as it found it.
        machine.outputs.put("apt-mark showhold", List.of("vim"));

        run(machine, Map.of("include", List.of("curl", "openssl", "bash"), "exclude", List.of("openssl", "vim")));

        assertThat(machine.commands()).containsExactly("apt-mark showhold", "apt-get update",
                "apt-mark hold openssl", "apt-get " + APT_OPTIONS + " install --only-upgrade curl bash",
                "apt-mark unhold openssl");
    }

    @Test
    void liftsTheHoldsEvenWhenTheUpgradeFails() throws Exception {
        FakeMachine machine = new FakeMachine("apt-get");
        machine.exitCodes.put("apt-get " + APT_OPTIONS + " upgrade", 100);

        assertThatThrownBy(() -> run(machine, Map.of("exclude", List.of("linux-image-amd64"))))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("UpdateOS: `DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get " + APT_OPTIONS
                        + " upgrade` failed with exit code 100");
        assertThat(machine.commands()).last().isEqualTo("apt-mark unhold linux-image-amd64");
    }

    @Test
    void namesTheCommandAndExitCodeWhenAptGetUpdateFails() {
        FakeMachine machine = new FakeMachine("apt-get");
        machine.exitCodes.put("apt-get update", 100);

        assertThatThrownBy(() -> run(machine, null))
                .hasMessage("UpdateOS: `DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get update` failed with"
                        + " exit code 100");
        assertThat(machine.commands()).doesNotContain("apt-get " + APT_OPTIONS + " upgrade");
    }

    @Test
    void excludesWithDnfOptions() throws Exception {
        FakeMachine machine = new FakeMachine("dnf", "yum");

        run(machine, Map.of("exclude", List.of("kernel*", "glibc")));

        assertThat(machine.commands()).containsExactly("dnf -y --exclude=kernel* --exclude=glibc upgrade");
    }

    @Test
    void upgradesTheIncludedPackagesWithYum() throws Exception {
        FakeMachine machine = new FakeMachine("yum");

        run(machine, Map.of("include", List.of("httpd", "openssl"), "exclude", List.of("openssl")));

        assertThat(machine.commands()).containsExactly("yum -y --exclude=openssl update httpd");
    }

    @Test
    void locksExcludedZypperPackagesForTheUpdateAndTakesRebootNeededAsSuccess() throws Exception {
        FakeMachine machine = new FakeMachine("zypper");
        machine.outputs.put("zypper --non-interactive locks", List.of("# | Name   | Type    | Repository",
                "--+--------+---------+-----------", "1 | kernel | package | (any)"));
        machine.exitCodes.put("zypper --non-interactive update --auto-agree-with-licenses", 102);

        run(machine, Map.of("exclude", List.of("kernel", "sudo")));

        assertThat(machine.commands()).containsExactly("zypper --non-interactive locks",
                "zypper --non-interactive refresh", "zypper --non-interactive addlock sudo",
                "zypper --non-interactive update --auto-agree-with-licenses",
                "zypper --non-interactive removelock sudo");
    }

    @Test
    void readsThePackageNamesOfZypperLocks() {
        assertThat(UpdateOS.zypperLocks(List.of("There are no package locks defined."))).isEmpty();
        assertThat(UpdateOS.zypperLocks(List.of("# | Name | Type", "---+------+-----", "1  | vim  | package",
                "12 | a*   | package"))).containsExactly("vim", "a*");
    }

    @Test
    void ignoresExcludedPackagesWithApk() throws Exception {
        FakeMachine machine = new FakeMachine("apk");

        run(machine, Map.of("exclude", List.of("musl")));

        assertThat(machine.commands()).containsExactly("apk update", "apk upgrade --ignore musl");
    }

    @Test
    void upgradesEverythingOrTheIncludedPackagesWithApk() throws Exception {
        FakeMachine all = new FakeMachine("apk");
        FakeMachine some = new FakeMachine("apk");

        run(all, null);
        run(some, Map.of("include", List.of("curl")));

        assertThat(all.commands()).containsExactly("apk update", "apk upgrade");
        assertThat(some.commands()).containsExactly("apk update", "apk upgrade curl");
    }

    @Test
    void streamsTheCommandsOutputToTheStep() throws Exception {
        FakeMachine machine = new FakeMachine("apk");
        machine.outputs.put("apk upgrade", List.of("(1/2) Upgrading musl", "OK: 7 MiB in 15 packages"));

        TestContext context = run(machine, null);

        assertThat(context.stdout).containsExactly("(1/2) Upgrading musl", "OK: 7 MiB in 15 packages");
    }

    @Test
    void doesNothingWhenEveryIncludedPackageIsExcluded() throws Exception {
        FakeMachine machine = new FakeMachine("dnf");

        TestContext context = run(machine, Map.of("include", List.of("a"), "exclude", List.of("a")));

        assertThat(machine.commands()).isEmpty();
        assertThat(context.notes).anyMatch(n -> n.contains("nothing to update"));
    }

    @Test
    void failsWhenNoPackageManagerIsThere() {
        assertThatThrownBy(() -> run(new FakeMachine("pacman"), null))
                .hasMessage("UpdateOS: no supported package manager on the fake machine (looked for apt-get, dnf, yum,"
                        + " zypper, apk)");
    }

    @Test
    void givesEachCommandTheStepsRemainingTime() throws Exception {
        FakeMachine machine = new FakeMachine("apk");

        new UpdateOS().run(new TestContext(null, machine).withTimeout(Duration.ofMinutes(10)));

        assertThat(machine.call("apk upgrade").timeout()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(machine.calls.get(0).timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void saysWhenACommandRunsOutOfTime() {
        FakeMachine machine = new FakeMachine("apk");
        machine.hanging.add("apk update");

        assertThatThrownBy(() -> run(machine, null)).hasMessage("UpdateOS: `apk update` did not finish in time");
    }

    @Test
    void doesNotUpdateWindows() {
        assertThatThrownBy(() -> run(new FakeMachine(Platform.WINDOWS), null))
                .hasMessageContaining("UpdateOS: Windows Update is not supported by Kiln");
    }

    @Test
    void namesTheInputThatIsNotAList() {
        assertThatThrownBy(() -> run(new FakeMachine("apk"), Map.of("include", Map.of("a", "b"))))
                .hasMessage("UpdateOS: inputs.include must be a list of strings");
    }
}
