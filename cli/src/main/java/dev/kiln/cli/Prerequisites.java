package dev.kiln.cli;

import dev.kiln.machines.host.HostPrograms;
import dev.kiln.common.process.ProcessRunner;
import dev.kiln.common.process.ExecRequest;
import dev.kiln.common.process.ExecResult;
import dev.kiln.common.process.OutputListener;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Debian programs a command needs. Kiln checks for them before it starts and names the packages
 * that are missing; when it runs as root (as on a fresh build machine) it installs them with apt-get,
 * saying so, so that the quick start is one command.
 */
final class Prerequisites {
    /** Program → the Debian package that provides it, for VM builds from the Debian mirror. */
    static final Map<String, String> VM_BUILDS = new LinkedHashMap<>();

    /** Program → package, for container builds (buildah, the registry Kiln runs, base image pushes). */
    static final Map<String, String> CONTAINER_BUILDS = new LinkedHashMap<>();

    static {
        CONTAINER_BUILDS.put("buildah", "buildah");
        CONTAINER_BUILDS.put("skopeo", "skopeo");
        CONTAINER_BUILDS.put("docker-registry", "docker-registry");
        CONTAINER_BUILDS.put("mmdebstrap", "mmdebstrap");
        VM_BUILDS.put("qemu-system-x86_64", "qemu-system-x86");
        VM_BUILDS.put("qemu-img", "qemu-utils");
        VM_BUILDS.put("mmdebstrap", "mmdebstrap");
        VM_BUILDS.put("mkfs.ext4", "e2fsprogs");
        VM_BUILDS.put("unshare", "util-linux");
        VM_BUILDS.put("busybox", "busybox-static");
    }

    private Prerequisites() {
    }

    static void ensure(Map<String, String> programs, PrintStream out) {
        List<String> missing = new ArrayList<>();
        programs.forEach((program, pkg) -> {
            if (HostPrograms.find(program).isEmpty() && !missing.contains(pkg)) {
                missing.add(pkg);
            }
        });
        if (missing.isEmpty()) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UserError("Kiln needs the Debian packages " + String.join(" ", missing)
                    + ": sudo apt-get install " + String.join(" ", missing));
        }
        out.println("kiln: installing the Debian packages " + String.join(" ", missing) + " (apt-get)...");
        run(List.of("apt-get", "update", "-q"), out);
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(missing);
        run(install, out);
    }

    private static void run(List<String> command, PrintStream out) {
        StringBuilder tail = new StringBuilder();
        ExecResult r;
        try {
            r = ProcessRunner.run(new ExecRequest(command, Map.of("DEBIAN_FRONTEND", "noninteractive"), null,
                    Duration.ofMinutes(20)), new OutputListener() {
                        @Override
                        public void stdout(String line) {
                            tail.append(line).append('\n');
                        }

                        @Override
                        public void stderr(String line) {
                            tail.append(line).append('\n');
                        }
                    });
        } catch (IOException e) {
            throw new UserError("cannot run " + command.get(0) + ": " + e.getMessage(), ExitCodes.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while installing packages", ExitCodes.FAILED);
        }
        if (!r.succeeded()) {
            String text = tail.toString();
            throw new UserError(String.join(" ", command) + " failed:\n"
                    + text.substring(Math.max(0, text.length() - 2000)), ExitCodes.FAILED);
        }
    }
}
