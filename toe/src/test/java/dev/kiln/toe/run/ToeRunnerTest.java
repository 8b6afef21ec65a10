package dev.kiln.toe.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.toe.target.LocalTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToeRunnerTest {

    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();

    private final RunListener recorder = new RunListener() {
        @Override
        public void stepStarted(String phase, String step, String action, int attempt, int depth) {
            events.add("start " + phase + "/" + step + (attempt > 1 ? " #" + attempt : ""));
        }

        @Override
        public void stepFinished(String phase, String step, String status, Duration took, String failure, int depth) {
            events.add(status + " " + phase + "/" + step);
        }
    };

    private RunSummary run(String yaml) throws Exception {
        return run(yaml, List.of(), Map.of(), Map.of());
    }

    private RunSummary run(String yaml, List<String> phases, Map<String, String> cli, Map<String, String> config)
            throws Exception {
        Path doc = dir.resolve("doc.yaml");
        Files.writeString(doc, yaml);
        return runner().run(new RunRequest(List.of(new DocumentInput(doc.toString(), yaml, Map.of())), phases, cli,
                config, "exec-1", dir.resolve("logs"), dir.resolve("state")));
    }

    private ToeRunner runner() {
        return new ToeRunner(new LocalTarget(dir.resolve("work")), recorder, Map.of());
    }

    private static String bash(String name, String command, String extra) {
        return """
                      - name: %s
                        action: ExecuteBash
                %s
                        inputs:
                          commands:
                            - %s
                """.formatted(name, extra.isEmpty() ? "" : extra.indent(8).stripTrailing(), command);
    }

    private static String doc(String phase, String... steps) {
        return "schemaVersion: 1.0\nphases:\n  - name: " + phase + "\n    steps:\n" + String.join("", steps);
    }

    @Test
    void anInterruptionThatSurfacesAsAStepFailureStopsTheRunInsteadOfFailingOrRetrying() throws Exception {
        Path doc = dir.resolve("doc.yaml");
        String yaml = doc("build", """
                      - name: Write
                        action: ReadFile
                        maxAttempts: 3
                        inputs:
                          path: %s
                """.formatted(dir.resolve("missing")));
        Files.writeString(doc, yaml);
        // Interrupted as the step starts, then the step fails without waiting on anything, as an
        // interrupted file transfer into an instance does.
        RunListener interrupting = new RunListener() {
            @Override
            public void stepStarted(String phase, String step, String action, int attempt, int depth) {
                recorder.stepStarted(phase, step, action, attempt, depth);
                Thread.currentThread().interrupt();
            }
        };
        ToeRunner runner = new ToeRunner(new LocalTarget(dir.resolve("work")), interrupting, Map.of());
        try {
            assertThatThrownBy(() -> runner.run(new RunRequest(List.of(new DocumentInput(doc.toString(), yaml,
                    Map.of())), List.of(), Map.of(), Map.of(), "exec-1", dir.resolve("logs"), dir.resolve("state"))))
                    .isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("interrupted during step Write");
        } finally {
            Thread.interrupted();
        }
        assertThat(events).containsExactly("start build/Write");
    }

    @Test
    void runsPhasesInDocumentOrderWhateverTheOrderAsked() throws Exception {
        String yaml = """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - {name: B, action: ExecuteBash, inputs: {commands: [echo b]}}
                  - name: validate
                    steps:
                      - {name: V, action: ExecuteBash, inputs: {commands: [echo v]}}
                  - name: test
                    steps:
                      - {name: T, action: ExecuteBash, inputs: {commands: [echo t]}}
                """;
        RunSummary s = run(yaml, List.of("test", "build"), Map.of(), Map.of());
        assertThat(s.succeeded()).isTrue();
        assertThat(events).containsExactly("start build/B", "success build/B", "start test/T", "success test/T");
    }

    @Test
    void commandLineParametersWinOverConfigWhichWinsOverDefaults() throws Exception {
        String yaml = """
                schemaVersion: 1.0
                parameters:
                  - FromCli: {type: string, default: d1}
                  - FromConfig: {type: string, default: d2}
                  - FromDefault: {type: string, default: d3}
                phases:
                  - name: build
                    steps:
                      - name: Echo
                        action: ExecuteBash
                        inputs:
                          commands: ['echo "{{ FromCli }} {{ FromConfig }} {{ FromDefault }}"']
                      - name: Check
                        action: Assert
                        inputs:
                          stringEquals: 'cli config d3'
                          value: '{{ build.Echo.outputs.stdout }}'
                """;
        RunSummary s = run(yaml, List.of(), Map.of("FromCli", "cli", "Unknown", "ignored"),
                Map.of("FromCli", "not-this", "FromConfig", "config"));
        assertThat(s.succeeded()).as(s.failureMessage()).isTrue();
    }

    @Test
    void refusesToStartWithoutARequiredParameterOrWithAValueNotAllowed() {
        String yaml = """
                schemaVersion: 1.0
                parameters:
                  - Needed: {type: string}
                  - Choice: {type: string, default: 'no', allowedValues: ['no', 'yes']}
                phases:
                  - name: build
                    steps:
                      - {name: S, action: ExecuteBash, inputs: {commands: ['echo {{ Needed }} {{ Choice }}']}}
                """;
        assertThatThrownBy(() -> run(yaml, List.of(), Map.of("Choice", "maybe"), Map.of()))
                .isInstanceOf(RunException.class)
                .hasMessageContaining("'Needed' has no default")
                .hasMessageContaining("'Choice' is 'maybe'");
    }

    @Test
    void abortStopsTheDocumentAtTheFailedStep() throws Exception {
        RunSummary s = run(doc("build", bash("Fails", "exit 3", ""), bash("Never", "echo no", "")));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failedStepCount()).isEqualTo(1);
        assertThat(s.executedStepCount()).isEqualTo(1);
        assertThat(s.failureMessage()).contains("Fails").contains("exit code 3");
        assertThat(events).doesNotContain("start build/Never");
    }

    @Test
    void continueRunsLaterStepsButTheDocumentStillFails() throws Exception {
        RunSummary s = run(doc("build", bash("Fails", "exit 3", "onFailure: Continue"), bash("Later", "echo yes", "")));
        assertThat(events).contains("success build/Later");
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failedStepCount()).isEqualTo(1);
        assertThat(s.executedStepCount()).isEqualTo(2);
    }

    @Test
    void ignoreCountsAnIgnoredFailureAndTheRunSucceeds() throws Exception {
        RunSummary s = run(doc("build", bash("Fails", "exit 3", "onFailure: Ignore"), bash("Later", "echo yes", "")));
        assertThat(s.status()).isEqualTo("success");
        assertThat(s.ignoredFailedStepCount()).isEqualTo(1);
        assertThat(s.failedStepCount()).isZero();
        JsonNode detailed = detailedOutput(s);
        assertThat(detailed.at("/documents/0/status").asText()).isEqualTo("SuccessWithIgnoredFailure");
        assertThat(detailed.at("/documents/0/phases/0/steps/0/status").asText()).isEqualTo("IgnoredFailure");
    }

    @Test
    void retriesAFailedStepUpToMaxAttempts() throws Exception {
        Path counter = dir.resolve("count");
        String cmd = "n=$(cat " + counter + " 2>/dev/null || echo 0); echo $((n+1)) > " + counter
                + "; [ $n -ge 2 ]";
        RunSummary s = run(doc("build", bash("Flaky", cmd, "maxAttempts: 3")));
        assertThat(s.succeeded()).isTrue();
        assertThat(Files.readString(counter).trim()).isEqualTo("3");
        assertThat(events).contains("start build/Flaky #3");
    }

    @Test
    void timeoutKillsTheWholeProcessTreeOfTheStep() throws Exception {
        Path pid = dir.resolve("child.pid");
        long start = System.nanoTime();
        RunSummary s = run(doc("build", bash("Slow", "(sleep 60 & echo $! > " + pid + "; wait)", "timeoutSeconds: 1")));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failureMessage()).contains("timed out");
        long child = Long.parseLong(Files.readString(pid).trim());
        // SIGKILL is delivered at once, but the dead process may take a moment to be reaped.
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (isAlive(child) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(isAlive(child)).isFalse();
    }

    @Test
    void falseConditionSkipsTheStepAndCountsAsSuccess() throws Exception {
        RunSummary s = run(doc("build", bash("Skipped", "exit 1", "if:\n  fileExists: /no/such/file"),
                bash("Runs", "echo yes", "if:\n  not:\n    fileExists: /no/such/file")));
        assertThat(s.succeeded()).isTrue();
        assertThat(events).containsExactly("start build/Skipped", "skipped build/Skipped", "start build/Runs",
                "success build/Runs");
        assertThat(s.executedStepCount()).isEqualTo(1);
    }

    @Test
    void conditionThenAbortFailsTheStep() throws Exception {
        RunSummary s = run(doc("build", bash("Guard", "echo hi", "if:\n  stringIsEmpty: ''\n  then: Abort")));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failureMessage()).contains("chose Abort");
    }

    @Test
    void loopOutputsAreJoinedWithNewlinesAndChainable() throws Exception {
        String yaml = """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Each
                        action: ExecuteBash
                        loop:
                          forEach: {list: 'a;b;c', delimiter: ';'}
                        inputs:
                          commands: ['echo "{{ loop.index }}={{ loop.value }}"']
                      - name: Count
                        action: ExecuteBash
                        loop:
                          name: counter
                          for: {start: 10, end: 6, updateBy: -2}
                        inputs:
                          commands: ['echo {{ counter.value }}']
                      - name: Check
                        action: Assert
                        inputs:
                          and:
                            - stringEquals: "0=a\\n1=b\\n2=c"
                              value: '{{ build.Each.outputs.stdout }}'
                            - stringEquals: "10\\n8\\n6"
                              value: '{{ build.Count.outputs.stdout }}'
                """;
        RunSummary s = run(yaml);
        assertThat(s.succeeded()).as(s.failureMessage()).isTrue();
    }

    @Test
    void exitCode194StopsForARebootAndTheNextRunReRunsTheSameStep() throws Exception {
        Path marker = dir.resolve("rebooted");
        String yaml = doc("build", bash("Before", "echo before", ""),
                bash("NeedsReboot", "if [ -f " + marker + " ]; then echo after; else touch " + marker
                        + "; exit 194; fi", ""),
                bash("After", "echo done", ""));
        RunSummary first = run(yaml);
        assertThat(first.rebootPending()).isTrue();
        assertThat(Files.exists(dir.resolve("state").resolve(RunState.FILE))).isTrue();
        events.clear();
        RunSummary second = run(yaml);
        assertThat(second.succeeded()).as(second.failureMessage()).isTrue();
        assertThat(second.executionId()).isEqualTo(first.executionId());
        assertThat(events).containsExactly("start build/NeedsReboot", "success build/NeedsReboot",
                "start build/After", "success build/After");
        assertThat(Files.exists(dir.resolve("state").resolve(RunState.FILE))).isFalse();
    }

    @Test
    void rebootModuleResumesWithTheNextStep() throws Exception {
        String yaml = doc("build", bash("Before", "echo before", ""),
                "      - name: Restart\n        action: Reboot\n",
                bash("After", "echo after", ""));
        assertThat(run(yaml).rebootPending()).isTrue();
        events.clear();
        RunSummary s = run(yaml);
        assertThat(s.succeeded()).isTrue();
        assertThat(events).containsExactly("success build/Restart", "start build/After", "success build/After");
    }

    @Test
    void conditionIsEvaluatedOnlyOnceAcrossAReboot() throws Exception {
        Path marker = dir.resolve("m");
        String yaml = doc("build", bash("Once", "if [ -f " + marker + " ]; then echo again; else touch " + marker
                + "; exit 194; fi", "if:\n  not:\n    fileExists: " + marker));
        assertThat(run(yaml).rebootPending()).isTrue();
        RunSummary s = run(yaml);
        // Evaluated again, the condition would now be false and skip the step.
        assertThat(events).contains("success build/Once");
        assertThat(s.succeeded()).isTrue();
    }

    @Test
    void resumingWithOtherDocumentsIsRefused() throws Exception {
        assertThat(run(doc("build", bash("R", "exit 194", ""))).rebootPending()).isTrue();
        assertThatThrownBy(() -> run(doc("build", bash("Other", "echo", ""))))
                .isInstanceOf(RunException.class).hasMessageContaining("unfinished run");
    }

    @Test
    void windowsOnlyModuleFailsWithAClearMessage() throws Exception {
        RunSummary s = run(doc("build", "      - name: Ps\n        action: ExecutePowerShell\n"
                + "        inputs:\n          commands: ['Write-Host hi']\n"));
        assertThat(s.failureMessage()).contains("ExecutePowerShell runs only on Windows").contains("Linux");
    }

    @Test
    void executeDocumentRunsANestedDocumentNextToTheCaller() throws Exception {
        Files.writeString(dir.resolve("inner.yaml"), """
                schemaVersion: 1.0
                parameters:
                  - Who: {type: string, default: nobody}
                phases:
                  - name: build
                    steps:
                      - {name: Hi, action: ExecuteBash, inputs: {commands: ['echo hi {{ Who }} > %s']}}
                  - name: test
                    steps:
                      - {name: Never, action: ExecuteBash, inputs: {commands: ['exit 1']}}
                """.formatted(dir.resolve("out.txt")));
        RunSummary s = run(doc("build", """
                      - name: Nested
                        action: ExecuteDocument
                        inputs:
                          document: inner.yaml
                          phases: build
                          parameters:
                            - name: Who
                              value: kiln
                """));
        assertThat(s.succeeded()).as(s.failureMessage()).isTrue();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("hi kiln\n");
    }

    @Test
    void executeDocumentDetectsCycles() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), doc("build",
                "      - {name: CallB, action: ExecuteDocument, inputs: {document: b.yaml}}\n"));
        Files.writeString(dir.resolve("b.yaml"), doc("build",
                "      - {name: CallA, action: ExecuteDocument, inputs: {document: a.yaml}}\n"));
        RunSummary s = run(doc("build", "      - {name: Start, action: ExecuteDocument, inputs: {document: a.yaml}}\n"));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failureMessage()).contains("cycle");
    }

    @Test
    void executeDocumentNestsAtMostThreeLevels() throws Exception {
        for (int i = 1; i <= 4; i++) {
            Files.writeString(dir.resolve("d" + i + ".yaml"), doc("build",
                    "      - {name: Call, action: ExecuteDocument, inputs: {document: d" + (i + 1) + ".yaml}}\n"));
        }
        Files.writeString(dir.resolve("d5.yaml"), doc("build", bash("Leaf", "echo leaf", "")));
        RunSummary s = run(doc("build", "      - {name: Start, action: ExecuteDocument, inputs: {document: d1.yaml}}\n"));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(s.failureMessage()).contains("at most 3 levels");
    }

    @Test
    void writesTheLogFolderInAwstoesShape() throws Exception {
        RunSummary s = run(doc("build", bash("Say", "echo hello; echo oops >&2", "")));
        Path folder = Path.of(s.logUrl());
        assertThat(folder.getFileName().toString()).matches("TOE_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d_UTC-0_exec-1");
        assertThat(folder.resolve("document.yaml")).exists();
        assertThat(Files.readString(folder.resolve("console.log"))).contains("Info Step Say")
                .contains("Info Stdout: hello").contains("Info Stderr: oops")
                .contains("TOE has completed execution successfully");
        assertThat(folder.resolve("application.log")).exists();
        assertThat(folder.resolve("chaining.json")).exists();
        JsonNode detailed = detailedOutput(s);
        assertThat(detailed.at("/documents/0/phases/0/steps/0/outputs").asText()).isEqualTo("[{\"stdout\":\"hello\"}]");
        assertThat(detailed.at("/status").asText()).isEqualTo("success");
    }

    @Test
    void aFailedDocumentStopsTheDocumentsAfterIt() throws Exception {
        String bad = doc("build", bash("Fails", "exit 1", ""));
        String good = doc("build", bash("Good", "echo ok", ""));
        RunSummary s = runner().run(new RunRequest(List.of(new DocumentInput("a.yaml", bad, Map.of()),
                new DocumentInput("b.yaml", good, Map.of())), List.of(), Map.of(), Map.of(), null,
                dir.resolve("logs"), null));
        assertThat(s.status()).isEqualTo("failed");
        assertThat(events).doesNotContain("start build/Good");
    }

    @Test
    void invalidDocumentsAreRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> run(doc("build", bash("S", "echo", "maxAttempts: 0"))))
                .isInstanceOf(RunException.class).hasMessageContaining("maxAttempts");
        assertThat(events).isEmpty();
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static JsonNode detailedOutput(RunSummary s) throws IOException {
        return new ObjectMapper().readTree(Path.of(s.logUrl()).resolve("detailedoutput.json").toFile());
    }
}
