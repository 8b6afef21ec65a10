package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToeRunCommandTest {

    @TempDir
    Path dir;

    private static final String GREET = """
            schemaVersion: 1.0
            parameters:
              - Name: {type: string, default: world}
            phases:
              - name: build
                steps:
                  - {name: Greet, action: ExecuteBash, inputs: {commands: ['echo "hello {{ Name }}"']}}
              - name: test
                steps:
                  - {name: Fail, action: ExecuteBash, inputs: {commands: ['exit 7']}}
            """;

    private String file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void printsTheSummaryOnStdoutAndTheStepsLiveOnStderr() throws Exception {
        String doc = file("greet.yaml", GREET);
        Cli r = Cli.run("toe", "run", "-d", doc, "--phases", "build", "--parameters", "Name=kiln",
                "-l", dir.toString(), "-i", "run-1");
        assertThat(r.exitCode()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary.get("executionId").asText()).isEqualTo("run-1");
        assertThat(summary.get("status").asText()).isEqualTo("success");
        assertThat(summary.get("executedStepCount").asInt()).isEqualTo(1);
        assertThat(summary.get("logUrl").asText()).contains("TOE_").endsWith("_UTC-0_run-1");
        assertThat(r.err()).contains("> Greet (ExecuteBash)").contains("| hello kiln").containsPattern("ok Greet \\(");
    }

    @Test
    void aFailedRunExitsOneAndSaysWhichStepFailed() throws Exception {
        String doc = file("greet.yaml", GREET);
        Cli r = Cli.run("toe", "run", "-d", doc, "-l", dir.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(r.out()).get("failureMessage").asText())
                .contains("Phase test, step Fail: ExecuteBash: exit code 7");
    }

    @Test
    void takesDocumentsPhasesAndParametersFromARunConfigFile() throws Exception {
        String doc = file("greet.yaml", GREET);
        String config = file("run.json", """
                {"documents": [{"path": "%s", "parameters": [{"name": "Name", "value": "config"}]}],
                 "phases": "build", "executionId": "from-config", "logDirectory": "%s"}
                """.formatted(doc, dir));
        Cli r = Cli.run("toe", "run", "--config", config);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("from-config");
        assertThat(r.err()).contains("| hello config");
    }

    @Test
    void invalidDocumentsAndMissingParametersExitTwoWithoutRunningAnything() throws Exception {
        String bad = file("bad.yaml", "schemaVersion: 1.0\nphases: []\n");
        Cli r = Cli.run("toe", "run", "-d", bad, "-l", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml").contains("phases must be a non-empty list");
        String needs = file("needs.yaml", GREET.replace("default: world", "description: no default"));
        Cli r2 = Cli.run("toe", "run", "-d", needs, "-l", dir.toString());
        assertThat(r2.exitCode()).isEqualTo(2);
        assertThat(r2.err()).contains("'Name' has no default");
        assertThat(Cli.run("toe", "run", "-d", needs, "--parameters", "Name").err())
                .contains("--parameters takes name=value pairs");
    }

    @Test
    void aRebootRequestExits194AndTheSameCommandResumes() throws Exception {
        Path marker = dir.resolve("marker");
        String doc = file("reboot.yaml", """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Once
                        action: ExecuteBash
                        inputs:
                          commands:
                            - if [ -f %1$s ]; then echo resumed; else touch %1$s; exit 194; fi
                """.formatted(marker));
        String[] args = {"toe", "run", "-d", doc, "-l", dir.toString(), "-s", dir.resolve("state").toString()};
        Cli first = Cli.run(args);
        assertThat(first.exitCode()).isEqualTo(194);
        assertThat(first.err()).contains("run the same command again to resume");
        Cli second = Cli.run(args);
        assertThat(second.exitCode()).isZero();
        assertThat(second.err()).contains("| resumed");
    }
}
