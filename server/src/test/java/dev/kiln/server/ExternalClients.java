package dev.kiln.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real AWS clients on this machine that the integration tests drive: every AWS CLI found (Debian's
 * {@code awscli} package is the v2 CLI at /usr/bin/aws; pyenv's pip-installed v1 CLI where it exists),
 * and every python that imports boto3 (Debian's {@code python3-boto3}, pyenv's). Nothing here skips: a
 * client the tests need and cannot find fails them, naming the Debian package to install.
 */
final class ExternalClients {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CLI_VERSION = Pattern.compile("aws-cli/([0-9]+)\\.([0-9.]+)");

    private ExternalClients() {
    }

    /** One AWS CLI: its executable and the version it reports ({@code 2.9.19}). */
    record Cli(String executable, String version) {
        int major() {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        }

        @Override
        public String toString() {
            return "aws-cli/" + version + " (" + executable + ")";
        }
    }

    /** One python with boto3: its executable and the boto3 and botocore versions it imports. */
    record Python(String executable, String boto3, String botocore) {
        @Override
        public String toString() {
            return "boto3 " + boto3 + ", botocore " + botocore + " (" + executable + ")";
        }
    }

    /** What a finished process printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr, List<String> command) {
        JsonNode json() {
            try {
                return JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("not JSON from " + command + ": " + stdout + "\nstderr: " + stderr, e);
            }
        }

        /** The answer as JSON, after checking that the command succeeded. */
        JsonNode ok() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + " from " + command + "\nstderr: " + stderr
                        + "\nstdout: " + stdout);
            }
            return stdout.isBlank() ? JSON.createObjectNode() : json();
        }

        /** Checks that the command failed with the named AWS error, as the CLI reports it on stderr. */
        Result failedWith(String errorCode) {
            if (exitCode == 0 || !stderr.contains("(" + errorCode + ")")) {
                throw new AssertionError("expected " + errorCode + " from " + command + ", got exit " + exitCode
                        + "\nstderr: " + stderr + "\nstdout: " + stdout);
            }
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " from " + command + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** What every AWS CLI run here needs: no config file, no pager or prompt, no IMDS, no retries. */
    static Map<String, String> cliEnvironment(String region) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_PAGER", "");
        env.put("AWS_CLI_AUTO_PROMPT", "off");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        return env;
    }

    private static List<Cli> clis;
    private static List<Python> pythons;

    /** Every AWS CLI on this machine, one per version; fails when Debian's v2 CLI is not among them. */
    static synchronized List<Cli> awsClis() {
        if (clis == null) {
            clis = findAwsClis();
        }
        return clis;
    }

    /** Every python that imports boto3, one per (boto3, botocore) version; fails when there is none. */
    static synchronized List<Python> boto3Pythons() {
        if (pythons == null) {
            pythons = findBoto3Pythons();
        }
        return pythons;
    }

    private static List<Cli> findAwsClis() {
        Set<String> candidates = new LinkedHashSet<>();
        Optional.ofNullable(System.getenv("KILN_TEST_AWS")).ifPresent(candidates::add);
        candidates.add("/usr/bin/aws");
        candidates.add("/usr/local/bin/aws");
        for (Path version : pyenvVersions()) {
            candidates.add(version.resolve("bin/aws").toString());
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "aws").toString());
            }
        }
        Map<String, Cli> byVersion = new LinkedHashMap<>();
        for (String candidate : candidates) {
            if (!Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            Result r = run(List.of(candidate, "--version"), Map.of("AWS_CONFIG_FILE", "/dev/null"), 60);
            Matcher m = CLI_VERSION.matcher(r.stdout() + " " + r.stderr());
            if (r.exitCode() == 0 && m.find()) {
                String version = m.group(1) + "." + m.group(2);
                byVersion.putIfAbsent(version, new Cli(candidate, version));
            }
        }
        List<Cli> found = new ArrayList<>(byVersion.values());
        if (found.stream().noneMatch(c -> c.major() == 2)) {
            throw new AssertionError("No AWS CLI v2 found (looked at " + candidates + "; found " + found
                    + "). Install Debian's awscli package: apt-get install -y awscli (./kiln test does).");
        }
        return List.copyOf(found);
    }

    private static List<Python> findBoto3Pythons() {
        Set<String> candidates = new LinkedHashSet<>();
        Optional.ofNullable(System.getenv("KILN_TEST_PYTHON")).ifPresent(candidates::add);
        candidates.add("/usr/bin/python3");
        for (Path version : pyenvVersions()) {
            candidates.add(version.resolve("bin/python3").toString());
        }
        candidates.add("python3");
        Map<String, Python> byVersion = new LinkedHashMap<>();
        for (String candidate : candidates) {
            if (candidate.contains("/") && !Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            Result r;
            try {
                r = run(List.of(candidate, "-c",
                        "import boto3, botocore; print(boto3.__version__, botocore.__version__)"), Map.of(), 60);
            } catch (UncheckedIOException e) {
                continue; // no such program
            }
            String[] versions = r.stdout().strip().split(" ");
            if (r.exitCode() == 0 && versions.length == 2) {
                byVersion.putIfAbsent(r.stdout().strip(), new Python(candidate, versions[0], versions[1]));
            }
        }
        if (byVersion.isEmpty()) {
            throw new AssertionError("No python3 with boto3 found (looked at " + candidates + "). Install Debian's"
                    + " python3-boto3 package: apt-get install -y python3-boto3 (./kiln test does), or set"
                    + " KILN_TEST_PYTHON to a python that has boto3.");
        }
        return List.copyOf(byVersion.values());
    }

    /** The installed pyenv pythons, newest first. */
    static List<Path> pyenvVersions() {
        List<Path> versions = new ArrayList<>();
        Set<Path> roots = new LinkedHashSet<>();
        Optional.ofNullable(System.getenv("PYENV_ROOT")).ifPresent(r -> roots.add(Path.of(r, "versions")));
        roots.add(Path.of(System.getProperty("user.home"), ".pyenv", "versions"));
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> list = Files.list(root)) {
                    list.sorted(Collections.reverseOrder()).forEach(versions::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return versions;
    }

    /**
     * Runs a program with the given variables added to an environment without any AWS_ variable of this
     * process, and waits for it (killing it after {@code timeoutSeconds}).
     */
    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("BOTO_CONFIG"));
        builder.environment().putAll(env);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("kiln-it", ".out");
            err = Files.createTempFile("kiln-it", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    new File("/dev/null")));
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command + "\nstderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // a temporary file left behind
                    }
                }
            }
        }
    }
}
