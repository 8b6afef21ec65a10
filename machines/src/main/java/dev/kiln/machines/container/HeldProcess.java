package dev.kiln.machines.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code buildah run} gave a process it started, read from /proc: environment, user, groups,
 * capabilities, resource limits, umask, root folder and namespaces. From it, the host command line
 * that puts another program in the same state without going through buildah again:
 *
 * <pre>
 * [sh -c 'umask ...'] env -i ENV... prlimit LIMITS... nsenter -t PID NAMESPACES --wd --
 *     setpriv CAPABILITIES GROUPS -- nsenter --root=ROOT -S UID -- PROGRAM...
 * </pre>
 *
 * The first nsenter enters the namespaces and the process's working folder while it still has every
 * capability; setpriv, a host program still reachable there (buildah's chroot isolation chroots, it
 * does not pivot), then narrows the capabilities to buildah's and sets the group ids; the second
 * nsenter chroots into the container and takes the user id. Only seccomp is not carried over: there is
 * no host tool to load buildah's filter, and with buildah's capabilities most of what it blocks fails
 * anyway.
 */
record HeldProcess(long pid, String startTime, List<String> environment, Map<String, String> credentials,
                   Map<String, String> limits, String root, List<String> namespaceFlags) {

    /** The /proc/PID/status lines that say what a program may do; the probe compares them. */
    static final List<String> CREDENTIAL_FIELDS = List.of("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff",
            "CapBnd", "CapAmb", "NoNewPrivs", "Umask");
    /** /proc/PID/limits names and prlimit's options for them. */
    static final Map<String, String> LIMIT_OPTIONS = limitOptions();
    private static final Map<String, String> NAMESPACE_FLAGS = Map.of("mnt", "-m", "uts", "-u", "ipc", "-i",
            "net", "-n", "pid", "-p", "cgroup", "-C");
    private static final Pattern LIMIT_LINE = Pattern.compile("(Max \\S+(?: \\S+)*)\\s{2,}(\\S+)\\s+(\\S+).*");
    private static final String DELETED = " (deleted)";

    HeldProcess {
        environment = List.copyOf(environment);
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
        limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
        namespaceFlags = List.copyOf(namespaceFlags);
    }

    /**
     * Reads a process from a /proc.
     *
     * @param expectedArguments its arguments after the program's name (a path buildah chose), so that a
     *                          reused or wrong PID is not entered
     * @throws IOException when it is gone, is not the one expected, or sits in a namespace nsenter cannot
     *                     enter from here (a user or time namespace)
     */
    static HeldProcess read(Path proc, long pid, List<String> expectedArguments) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        List<String> command = nulSeparated(Files.readAllBytes(dir.resolve("cmdline")));
        if (command.isEmpty() || !command.subList(1, command.size()).equals(expectedArguments)) {
            throw new IOException("process " + pid + " is not the one buildah started: its command line is "
                    + command);
        }
        String startTime = startTime(Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8));
        // env would take an entry without '=' for the program to run; getenv never sees one anyway.
        List<String> environment = nulSeparated(Files.readAllBytes(dir.resolve("environ"))).stream()
                .filter(e -> e.indexOf('=') > 0).toList();
        Map<String, String> credentials = credentials(Files.readString(dir.resolve("status"),
                StandardCharsets.UTF_8));
        if (!credentials.keySet().containsAll(CREDENTIAL_FIELDS)) {
            throw new IOException("process " + pid + "'s status lacks some of " + CREDENTIAL_FIELDS);
        }
        Map<String, String> limits = limits(Files.readString(dir.resolve("limits"), StandardCharsets.UTF_8));
        String root = Files.readSymbolicLink(dir.resolve("root")).toString();
        List<String> flags = new ArrayList<>();
        for (String ns : List.of("mnt", "uts", "ipc", "net", "pid", "cgroup", "user", "time")) {
            String theirs = namespace(dir, ns);
            String ours = namespace(proc.resolve("self"), ns);
            if (theirs == null || theirs.equals(ours)) {
                continue;
            }
            String flag = NAMESPACE_FLAGS.get(ns);
            if (flag == null) {
                throw new IOException("process " + pid + " is in a " + ns + " namespace of its own");
            }
            flags.add(flag);
        }
        return new HeldProcess(pid, startTime, environment, credentials, limits, root, flags);
    }

    /**
     * True while the process runs and its working folder still exists (buildah makes a missing one
     * when it starts a process, so a held process whose folder was deleted must be replaced).
     */
    boolean usable(Path proc) {
        Path dir = proc.resolve(Long.toString(pid));
        try {
            return startTime.equals(startTime(Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8)))
                    && !Files.readSymbolicLink(dir.resolve("cwd")).toString().endsWith(DELETED);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The host command line that runs {@code argv} as buildah run would have. */
    List<String> command(HostTools host, String ourUmask, List<String> argv) {
        List<String> c = new ArrayList<>();
        String umask = credentials.get("Umask");
        if (!umask.equals(ourUmask)) {
            // env, prlimit, nsenter and setpriv leave the umask as they found it: set it first.
            c.addAll(List.of(host.sh().toString(), "-c", "umask \"$1\" && shift && exec \"$@\"", "sh", umask));
        }
        c.add(host.env().toString());
        c.add("-i");
        c.addAll(environment);
        c.add(host.prlimit().toString());
        limits.forEach((option, value) -> c.add("--" + option + "=" + value));
        c.addAll(List.of(host.nsenter().toString(), "-t", Long.toString(pid)));
        c.addAll(namespaceFlags);
        c.addAll(List.of("--wd", "--", host.setpriv().toString(),
                "--bounding-set", capabilities("-all", credentials.get("CapBnd")),
                "--inh-caps", capabilities("-all", credentials.get("CapInh"))));
        String ambient = capabilities("", credentials.get("CapAmb"));
        if (!ambient.isEmpty()) {
            c.addAll(List.of("--ambient-caps", ambient));
        }
        if (!credentials.get("NoNewPrivs").equals("0")) {
            c.add("--nnp");
        }
        c.addAll(List.of("--regid", first(credentials.get("Gid"))));
        String groups = credentials.get("Groups").strip();
        if (groups.isEmpty()) {
            c.add("--clear-groups");
        } else {
            c.addAll(List.of("--groups", groups.replace(' ', ',')));
        }
        c.addAll(List.of("--", host.nsenter().toString(), "--root=" + root, "-S", first(credentials.get("Uid")),
                "--"));
        c.addAll(argv);
        return c;
    }

    /**
     * How a program entered this way differs from the held process, judged from what it printed with
     * {@link #PROBE_SCRIPT}: empty when it got the same user, groups, capabilities, umask and limits.
     */
    List<String> differences(String probeOutput) {
        int split = probeOutput.indexOf("\n" + PROBE_SEPARATOR + "\n");
        if (split < 0) {
            return List.of("the probe printed no status and limits: " + probeOutput.strip());
        }
        Map<String, String> seen = credentials(probeOutput.substring(0, split));
        Map<String, String> seenLimits = limits(probeOutput.substring(split + PROBE_SEPARATOR.length() + 2));
        List<String> differences = new ArrayList<>();
        for (String field : CREDENTIAL_FIELDS) {
            if (!credentials.get(field).equals(seen.get(field))) {
                differences.add(field + " " + seen.get(field) + " instead of " + credentials.get(field));
            }
        }
        limits.forEach((option, value) -> {
            if (!value.equals(seenLimits.get(option))) {
                differences.add("limit " + option + " " + seenLimits.get(option) + " instead of " + value);
            }
        });
        return differences;
    }

    static final String PROBE_SEPARATOR = "--kiln-limits--";
    /** Prints /proc/self/status and /proc/self/limits with shell built-ins only: the image may have no cat. */
    static final String PROBE_SCRIPT = "while IFS= read -r l; do printf '%s\\n' \"$l\"; done </proc/self/status"
            + " && echo " + PROBE_SEPARATOR
            + " && while IFS= read -r l; do printf '%s\\n' \"$l\"; done </proc/self/limits";

    /** The caller's own umask, which the programs it starts inherit. */
    static String umask(Path proc) throws IOException {
        return credentials(Files.readString(proc.resolve("self/status"), StandardCharsets.UTF_8))
                .getOrDefault("Umask", "");
    }

    static Map<String, String> credentials(String status) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && CREDENTIAL_FIELDS.contains(line.substring(0, colon))) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
            }
        }
        return fields;
    }

    /** prlimit option to {@code soft:hard}, for each limit prlimit knows. */
    static Map<String, String> limits(String limitsFile) {
        Map<String, String> limits = new LinkedHashMap<>();
        for (String line : limitsFile.split("\n")) {
            Matcher m = LIMIT_LINE.matcher(line.strip());
            if (m.matches() && LIMIT_OPTIONS.containsKey(m.group(1))) {
                limits.put(LIMIT_OPTIONS.get(m.group(1)), m.group(2) + ":" + m.group(3));
            }
        }
        return limits;
    }

    /** setpriv's capability list for a /proc mask: {@code -all,+cap_0,+cap_31}. */
    static String capabilities(String start, String hexMask) {
        long mask = Long.parseUnsignedLong(hexMask, 16);
        StringBuilder list = new StringBuilder(start);
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                list.append(list.isEmpty() ? "" : ",").append("+cap_").append(bit);
            }
        }
        return list.toString();
    }

    /** Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces and parentheses. */
    static String startTime(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return fields[22 - 3];
    }

    static List<String> nulSeparated(byte[] bytes) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                parts.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            parts.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String namespace(Path processDir, String ns) throws IOException {
        try {
            return Files.readSymbolicLink(processDir.resolve("ns").resolve(ns)).toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String first(String ids) {
        return ids.split(" ")[0];
    }

    private static Map<String, String> limitOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Max cpu time", "cpu");
        m.put("Max file size", "fsize");
        m.put("Max data size", "data");
        m.put("Max stack size", "stack");
        m.put("Max core file size", "core");
        m.put("Max resident set", "rss");
        m.put("Max processes", "nproc");
        m.put("Max open files", "nofile");
        m.put("Max locked memory", "memlock");
        m.put("Max address space", "as");
        m.put("Max file locks", "locks");
        m.put("Max pending signals", "sigpending");
        m.put("Max msgqueue size", "msgqueue");
        m.put("Max nice priority", "nice");
        m.put("Max realtime priority", "rtprio");
        m.put("Max realtime timeout", "rttime");
        return Map.copyOf(m);
    }
}
