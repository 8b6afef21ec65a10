package dev.kiln.toe.action;

import dev.kiln.common.wait.Deadline;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import dev.kiln.toe.target.Platform;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * UpdateOS: installs the available updates with the target's own package manager, non-interactively.
 * {@code include} limits the update to those packages, {@code exclude} keeps packages as they are
 * (include minus exclude when both are given). Exclusions that need a hold or a lock are set only for
 * the update and lifted afterwards, leaving holds and locks the target had before alone.
 */
final class UpdateOS implements Action {
    private static final String MODULE = "UpdateOS";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    /** The package managers UpdateOS knows, in order of preference: dnf is yum's successor. */
    enum Manager {
        APT("apt-get"), DNF("dnf"), YUM("yum"), ZYPPER("zypper"), APK("apk");

        final String program;

        Manager(String program) {
            this.program = program;
        }
    }

    private static final Map<String, String> APT_ENV =
            Map.of("DEBIAN_FRONTEND", "noninteractive", "NEEDRESTART_MODE", "a");
    /** Keep the configuration files the image has, without asking, when a package ships new ones. */
    private static final List<String> APT_OPTIONS = List.of("-y", "-o", "Dpkg::Options::=--force-confdef",
            "-o", "Dpkg::Options::=--force-confold");
    /** zypper's "success, but": 102 = reboot needed, 103 = zypper updated itself. */
    private static final Set<Integer> ZYPPER_INFO = Set.of(102, 103);

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        List<String> include;
        List<String> exclude;
        try {
            Inputs in = context.inputs();
            include = in.strings("include");
            exclude = in.strings("exclude");
        } catch (StepFailedException e) {
            throw new StepFailedException(MODULE + ": " + e.getMessage());
        }
        if (context.target().platform() == Platform.WINDOWS) {
            throw new StepFailedException(MODULE + ": Windows Update is not supported by Kiln");
        }
        Commands commands = new Commands(context, Transfers.deadline(context));
        Manager manager = detect(commands);
        context.log(MODULE + ": updating with " + manager.program + " on " + context.target().description());
        List<String> wanted = include.stream().filter(p -> !exclude.contains(p)).toList();
        if (!include.isEmpty() && wanted.isEmpty()) {
            context.log(MODULE + ": every included package is also excluded; nothing to update");
            return ActionResult.none();
        }
        switch (manager) {
            case APT -> apt(commands, wanted, exclude);
            case DNF -> commands.run(concat(List.of("dnf", "-y"), excludes(exclude), List.of("upgrade"), wanted));
            case YUM -> commands.run(concat(List.of("yum", "-y"), excludes(exclude), List.of("update"), wanted));
            case ZYPPER -> zypper(commands, wanted, exclude);
            case APK -> apk(commands, wanted, exclude);
        }
        return ActionResult.none();
    }

    static Manager detect(Commands commands) throws StepFailedException, InterruptedException {
        for (Manager m : Manager.values()) {
            if (commands.exists(m.program)) {
                return m;
            }
        }
        throw new StepFailedException(MODULE + ": no supported package manager on "
                + commands.context.target().description() + " (looked for "
                + String.join(", ", Stream.of(Manager.values()).map(m -> m.program).toList()) + ")");
    }

    private static void apt(Commands commands, List<String> wanted, List<String> exclude)
            throws StepFailedException, InterruptedException {
        List<String> held = commands.capture(List.of("apt-mark", "showhold"));
        List<String> hold = exclude.stream().filter(p -> !held.contains(p)).toList();
        commands.run(APT_ENV, List.of("apt-get", "update"), Set.of());
        commands.withUndo(hold.isEmpty() ? null : concat(List.of("apt-mark", "hold"), hold),
                hold.isEmpty() ? null : concat(List.of("apt-mark", "unhold"), hold),
                () -> commands.run(APT_ENV, wanted.isEmpty()
                        ? concat(List.of("apt-get"), APT_OPTIONS, List.of("upgrade"))
                        : concat(List.of("apt-get"), APT_OPTIONS, List.of("install", "--only-upgrade"), wanted),
                        Set.of()));
    }

    private static void zypper(Commands commands, List<String> wanted, List<String> exclude)
            throws StepFailedException, InterruptedException {
        List<String> locked = zypperLocks(commands.capture(List.of("zypper", "--non-interactive", "locks")));
        List<String> lock = exclude.stream().filter(p -> !locked.contains(p)).toList();
        commands.run(List.of("zypper", "--non-interactive", "refresh"));
        commands.withUndo(lock.isEmpty() ? null : concat(List.of("zypper", "--non-interactive", "addlock"), lock),
                lock.isEmpty() ? null : concat(List.of("zypper", "--non-interactive", "removelock"), lock),
                () -> commands.run(Map.of(), concat(List.of("zypper", "--non-interactive", "update",
                        "--auto-agree-with-licenses"), wanted), ZYPPER_INFO));
    }

    /** apk has no holds; {@code upgrade --ignore} upgrades all but the packages named. */
    private static void apk(Commands commands, List<String> wanted, List<String> exclude)
            throws StepFailedException, InterruptedException {
        commands.run(List.of("apk", "update"));
        if (!wanted.isEmpty()) {
            commands.run(concat(List.of("apk", "upgrade"), wanted));
        } else if (!exclude.isEmpty()) {
            commands.run(concat(List.of("apk", "upgrade", "--ignore"), exclude));
        } else {
            commands.run(List.of("apk", "upgrade"));
        }
    }

    /** The package names in {@code zypper locks}' table ("# | Name | Type | Repository"). */
    static List<String> zypperLocks(List<String> lines) {
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split("\\|");
            if (cells.length >= 2 && cells[0].trim().matches("\\d+")) {
                names.add(cells[1].trim());
            }
        }
        return names;
    }

    private static List<String> excludes(List<String> packages) {
        return packages.stream().map(p -> "--exclude=" + p).toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    /** Runs commands on the target for one step, within its deadline, failing the step on errors. */
    static final class Commands {
        private final ActionContext context;
        private final Deadline deadline;

        Commands(ActionContext context, Deadline deadline) {
            this.context = context;
            this.deadline = deadline;
        }

        /** Whether a program is on the target's PATH. */
        boolean exists(String program) throws StepFailedException, InterruptedException {
            // command -v is a shell builtin; the program names are ours, never the document's.
            ExecResult r = exec(Map.of(), List.of("sh", "-c", "command -v " + program), OutputListener.NONE,
                    PROBE_TIMEOUT);
            return r.succeeded();
        }

        void run(List<String> command) throws StepFailedException, InterruptedException {
            run(Map.of(), command, Set.of());
        }

        /** Runs a command, its output going to the step's output; exit 0 and {@code alsoSuccess} succeed. */
        void run(Map<String, String> env, List<String> command, Set<Integer> alsoSuccess)
                throws StepFailedException, InterruptedException {
            check(env, command, exec(env, command, context.output(), null), alsoSuccess);
        }

        /** Runs a command and answers its standard output lines. */
        List<String> capture(List<String> command) throws StepFailedException, InterruptedException {
            List<String> lines = new ArrayList<>();
            OutputListener collect = OutputListener.of(line -> lines.add(line.trim()), context.output()::stderr);
            check(Map.of(), command, exec(Map.of(), command, collect, null), Set.of());
            return lines;
        }

        /**
         * Runs {@code body} between {@code set} and {@code undo} (both skipped when null); the undo runs
         * even when the body fails, and its own failure then stays behind the body's.
         */
        void withUndo(List<String> set, List<String> undo, Body body) throws StepFailedException, InterruptedException {
            if (set == null) {
                body.run();
                return;
            }
            run(set);
            try {
                body.run();
            } catch (StepFailedException | InterruptedException | RuntimeException e) {
                try {
                    run(undo);
                } catch (StepFailedException undoFailure) {
                    e.addSuppressed(undoFailure);
                    context.log(undoFailure.getMessage());
                }
                throw e;
            }
            run(undo);
        }

        @FunctionalInterface
        interface Body {
            void run() throws StepFailedException, InterruptedException;
        }

        private ExecResult exec(Map<String, String> env, List<String> command, OutputListener output, Duration cap)
                throws StepFailedException, InterruptedException {
            Duration timeout = deadline.remainingOrNull();
            if (timeout != null && timeout.isZero()) {
                throw new StepFailedException(MODULE + ": the step's time ran out before `" + show(env, command) + "`");
            }
            if (cap != null && (timeout == null || cap.compareTo(timeout) < 0)) {
                timeout = cap;
            }
            try {
                return context.target().exec(new ExecRequest(command, env, null, timeout), output);
            } catch (IOException e) {
                throw new StepFailedException(MODULE + ": cannot run `" + show(env, command) + "` on "
                        + context.target().description() + ": " + EachInput.describe(e));
            }
        }

        private void check(Map<String, String> env, List<String> command, ExecResult result, Set<Integer> alsoSuccess)
                throws StepFailedException {
            if (result.timedOut()) {
                throw new StepFailedException(MODULE + ": `" + show(env, command) + "` did not finish in time");
            }
            if (result.exitCode() != 0 && !alsoSuccess.contains(result.exitCode())) {
                throw new StepFailedException(MODULE + ": `" + show(env, command) + "` failed with exit code "
                        + result.exitCode());
            }
        }

        private static String show(Map<String, String> env, List<String> command) {
            StringBuilder s = new StringBuilder();
            env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> s.append(e.getKey()).append('=').append(e.getValue()).append(' '));
            return s.append(String.join(" ", command)).toString();
        }
    }
}
