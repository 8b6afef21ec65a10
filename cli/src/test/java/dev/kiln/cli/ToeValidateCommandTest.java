package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToeValidateCommandTest {

    @TempDir
    Path dir;

    private String file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void validDocumentAnswersSuccessAndExitsZero() throws Exception {
        String doc = file("ok.yaml", """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - {name: Hello, action: ExecuteBash, inputs: {commands: [echo hi]}}
                """);
        Cli r = Cli.run("toe", "validate", "--documents", doc);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("\"validationStatus\" : \"success\"");
    }

    @Test
    void reportsEveryProblemWithItsPositionAndASuggestion() throws Exception {
        String doc = file("bad.yaml", """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Hello
                        action: ExecuteBsh
                        inputs: {commands: [echo hi]}
                      - name: Later
                        action: ExecuteBash
                        maxAttempts: 0
                        inputs: {commands: ['echo {{ Missing }}']}
                """);
        Cli r = Cli.run("toe", "validate", "-d", doc);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(doc + ":6:17: error: phase 'build', step 'Hello', field 'action': unknown action"
                + " 'ExecuteBsh' (did you mean ExecuteBash?)");
        assertThat(r.err()).contains("maxAttempts must be at least 1").contains("{{ Missing }}");
        assertThat(r.out()).contains("\"validationStatus\" : \"failed\"").contains("3 error(s)");
    }

    @Test
    void windowsOnlyDocumentIsValidButNamedAsSuch() throws Exception {
        String doc = file("win.yaml", """
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - {name: Ps, action: ExecutePowerShell, inputs: {commands: [Write-Host hi]}}
                """);
        Cli r = Cli.run("toe", "validate", "-d", doc);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Not runnable on Linux").contains("ExecutePowerShell runs only on Windows");
    }

    @Test
    void badInputOfEveryKindIsAClearErrorNeverAStackTrace() throws Exception {
        String notYaml = file("not.yaml", "phases: [unclosed\n  - {");
        String binary = dir.resolve("bin.yaml").toString();
        Files.write(Path.of(binary), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        String deep = file("deep.yaml", "a: " + "[".repeat(10_000));
        String huge = file("huge.yaml", "schemaVersion: 1.0\n# " + "x".repeat(10 * 1024 * 1024) + "\n");
        for (String doc : new String[] {notYaml, binary, deep, huge, dir.resolve("missing.yaml").toString()}) {
            Cli r = Cli.run("toe", "validate", "-d", doc);
            assertThat(r.exitCode()).as(doc).isNotZero();
            assertThat(r.err()).as(doc).contains(doc).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
