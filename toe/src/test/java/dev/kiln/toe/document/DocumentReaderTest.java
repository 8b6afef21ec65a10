package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneError;
import static dev.kiln.toe.document.Docs.read;
import static dev.kiln.toe.document.Docs.valid;
import static dev.kiln.toe.document.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.toe.target.Platform;
import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The document as a whole: YAML problems, top-level fields, the model, where errors are, all errors. */
class DocumentReaderTest {

    private static final String HELLO = """
            name: Hello
            description: Says hello
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: HelloWorldStep
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo "Hello World! Build."
              - name: validate
                steps:
                  - name: HelloWorldStep
                    action: ExecuteBash
                    inputs:
                      commands:
                        - echo "Hello World! Validate."
            """;

    @Test
    void readsAValidDocumentIntoTheModel() {
        DocumentReader.Result r = read(HELLO);

        assertThat(r.valid()).isTrue();
        assertThat(r.problems()).isEmpty();
        ComponentDocument doc = r.document();
        assertThat(doc.file()).isEqualTo("doc.yaml");
        assertThat(doc.text()).isEqualTo(HELLO);
        assertThat(doc.name()).isEqualTo("Hello");
        assertThat(doc.description()).isEqualTo("Says hello");
        assertThat(doc.parameters()).isEmpty();
        assertThat(doc.constants()).isEmpty();
        assertThat(doc.phases()).extracting(Phase::name).containsExactly("build", "validate");
        assertThat(doc.stepCount()).isEqualTo(2);
        assertThat(doc.phase("validate")).map(p -> p.steps().get(0).name()).contains("HelloWorldStep");
        assertThat(doc.phase("test")).isEmpty();
    }

    @Test
    void fillsInStepDefaults() {
        Step step = valid(HELLO).phases().get(0).steps().get(0);

        assertThat(step.action()).isEqualTo("ExecuteBash");
        assertThat(step.timeoutSeconds()).isEqualTo(7200);
        assertThat(step.onFailure()).isEqualTo(OnFailure.Abort);
        assertThat(step.maxAttempts()).isEqualTo(1);
        assertThat(step.condition()).isNull();
        assertThat(step.loop()).isNull();
        assertThat(step.mark()).isEqualTo(new Mark("doc.yaml", 7, 9));
        assertThat(YNode.toPlain(step.inputs()))
                .isEqualTo(java.util.Map.of("commands", List.of("echo \"Hello World! Build.\"")));
    }

    @Test
    void leavesOutNameAndDescriptionWhenNotWritten() {
        ComponentDocument doc = valid("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: Reboot
                """);

        assertThat(doc.name()).isNull();
        assertThat(doc.description()).isNull();
    }

    @Test
    void readsJsonDocuments() {
        ComponentDocument doc = valid("""
                {"schemaVersion": "1.0", "phases": [{"name": "build", "steps": [
                  {"name": "A", "action": "ExecuteBash", "inputs": {"commands": ["echo hi"]}}]}]}
                """);

        assertThat(doc.stepCount()).isEqualTo(1);
    }

    @Test
    void readsWindowsLineEndings() {
        DocumentReader.Result r = read(HELLO.replace("\n", "\r\n").replace("ExecuteBash", "ExecuteBsh"));

        assertThat(r.errors()).extracting(p -> p.mark().line() + ":" + p.mark().column())
                .containsExactly("8:17", "15:17");
    }

    // ---- schemaVersion -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "'1.0'", "\"1.0\"", "1", "'1'", "1.00"})
    void acceptsSchemaVersionOneHoweverWritten(String version) {
        valid(HELLO.replace("schemaVersion: 1.0", "schemaVersion: " + version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.0", "0.9", "1.0.0", "one", "''", "2"})
    void rejectsOtherSchemaVersions(String version) {
        Problem p = oneError(HELLO.replace("schemaVersion: 1.0", "schemaVersion: " + version));

        assertThat(p.field()).isEqualTo("schemaVersion");
        assertThat(p.message()).startsWith("schemaVersion must be 1.0, not '");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 3, 16));
    }

    @Test
    void rejectsASchemaVersionThatIsAList() {
        assertThat(oneError(HELLO.replace("schemaVersion: 1.0", "schemaVersion: [1.0]")).message())
                .isEqualTo("schemaVersion must be 1.0, not a list");
    }

    @Test
    void requiresSchemaVersion() {
        Problem p = oneError(HELLO.replace("schemaVersion: 1.0\n", ""));

        assertThat(p.message()).isEqualTo("schemaVersion is required (schemaVersion: 1.0)");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 1, 1));
    }

    // ---- top level ---------------------------------------------------------------------------------

    @Test
    void rejectsAnUnknownTopLevelFieldWithASuggestion() {
        Problem p = oneError(HELLO.replace("description:", "descripton:"));

        assertThat(p.message()).isEqualTo("unknown field 'descripton' (did you mean description?)");
        assertThat(p.field()).isEqualTo("descripton");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 2, 1));
    }

    @Test
    void rejectsAnUnknownTopLevelFieldFarFromAnyName() {
        assertThat(oneError(HELLO + "author: me\n").message()).isEqualTo("unknown field 'author'");
    }

    @Test
    void reportsAMisspelledPhasesAndThatPhasesIsMissing() {
        DocumentReader.Result r = read(HELLO.replace("phases:", "Phases:"));

        assertThat(errors(r)).containsExactly("unknown field 'Phases' (did you mean phases?)", "phases is required");
    }

    @Test
    void rejectsANameThatIsNotAString() {
        assertThat(oneError(HELLO.replace("name: Hello\n", "name: [Hello]\n")).message())
                .isEqualTo("name must be a single value, not a list");
    }

    @Test
    void rejectsADocumentThatIsNotAMapping() {
        Problem p = oneError("- schemaVersion: 1.0\n");

        assertThat(p.message()).isEqualTo("a component document is a mapping with schemaVersion and phases, not a list");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 1, 1));
    }

    @Test
    void rejectsPlainText() {
        assertThat(oneError("This is not a component.\n").message()).endsWith("not a string");
    }

    // ---- YAML problems become problems, never exceptions -------------------------------------------

    @Test
    void reportsTextThatIsNotYaml() {
        Problem p = oneError("schemaVersion: 1.0\nphases: [\n  {name: build\n");

        assertThat(p.message()).startsWith("not valid YAML: ");
        assertThat(p.mark().file()).isEqualTo("doc.yaml");
        assertThat(p.mark().line()).isPositive();
    }

    @Test
    void reportsBinaryInput() {
        Problem p = oneError("\u0000\u0001\u0002\u00ff");

        assertThat(p.message()).isEqualTo("not valid YAML: special character U+0000 is not allowed");
        assertThat(p).hasToString("doc.yaml:1:1: error: not valid YAML: special character U+0000 is not allowed");
    }

    @Test
    void reportsASecondYamlDocument() {
        Problem p = oneError(HELLO + "---\n" + HELLO);

        assertThat(p.message()).contains("exactly one YAML document");
        assertThat(p.mark().line()).isEqualTo(19);
    }

    @Test
    void reportsDuplicateKeys() {
        Problem p = oneError(HELLO.replace("    steps:\n      - name: HelloWorldStep\n        action: ExecuteBash\n",
                "    steps:\n      - name: HelloWorldStep\n        action: ExecuteBash\n        action: ExecuteBash\n"));

        assertThat(p.message()).isEqualTo("duplicate key 'action'");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 9, 9));
    }

    @Test
    void reportsAnEmptyDocument() {
        assertThat(oneError("").message()).isEqualTo("the document is empty");
    }

    @Test
    void reportsTenThousandNestedBracketsWithoutStackOverflow() {
        String text = HELLO + "x: " + "[".repeat(10_000) + "\n";

        Problem p = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> oneError(text));

        assertThat(p.message()).isEqualTo("nested more than 64 levels deep");
    }

    @Test
    void reportsAnAliasBomb() {
        StringBuilder sb = new StringBuilder(HELLO).append("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("x").append(i).append(": &x").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*x" + (i - 1)))).append("]\n");
        }

        Problem p = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> oneError(sb.toString()));

        assertThat(p.message()).startsWith("aliases expand to more than");
    }

    @Test
    void reportsADocumentOfTenMegabytes() {
        String text = HELLO + "# " + "x".repeat(10 * 1024 * 1024) + "\n";

        Problem p = oneError(text);

        assertThat(p.message()).startsWith("document is ").contains("characters; the limit is ");
        assertThat(p).hasToString("doc.yaml: error: " + p.message());
    }

    @Test
    void hintsThatAReferenceStartingAValueMustBeQuoted() {
        Problem p = oneError("""
                schemaVersion: 1.0
                parameters:
                  - Greeting:
                      type: string
                      default: hi
                phases:
                  - name: build
                    steps:
                      - name: Say
                        action: ExecuteBash
                        inputs:
                          commands:
                            - {{ Greeting }}
                """);

        assertThat(p.message()).endsWith("(a {{ }} reference that starts a value must be quoted)");
        assertThat(p.mark().line()).isEqualTo(13);
    }

    @Test
    void acceptsTheSameReferenceWhenQuoted() {
        valid("""
                schemaVersion: 1.0
                parameters:
                  - Greeting:
                      type: string
                      default: hi
                phases:
                  - name: build
                    steps:
                      - name: Say
                        action: ExecuteBash
                        inputs:
                          commands:
                            - '{{ Greeting }}'
                            - "echo {{ Greeting }}"
                            - echo {{ Greeting }}
                """);
    }

    @Test
    void keepsYaml11BooleanWordsAsStrings() {
        ComponentDocument doc = valid("""
                schemaVersion: 1.0
                parameters:
                  - Answer:
                      type: string
                      default: no
                      allowedValues: [no, yes, on, off]
                phases:
                  - name: build
                    steps:
                      - name: Say
                        action: ExecuteBash
                        inputs:
                          commands:
                            - yes
                """);

        assertThat(doc.parameters().get(0).defaultValue()).isEqualTo("no");
        assertThat(doc.parameters().get(0).allowedValues()).containsExactly("no", "yes", "on", "off");
        assertThat(YNode.toPlain(doc.phases().get(0).steps().get(0).inputs()))
                .isEqualTo(java.util.Map.of("commands", List.of("yes")));
    }

    // ---- where problems are ------------------------------------------------------------------------

    @Test
    void namesFileLineColumnPhaseStepAndFieldOfAnError() {
        Problem p = oneError("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Hello
                        action: ExecuteBsh
                        inputs:
                          commands: [echo hi]
                """);

        assertThat(p).hasToString("doc.yaml:6:17: error: phase 'build', step 'Hello', field 'action':"
                + " unknown action 'ExecuteBsh' (did you mean ExecuteBash?)");
    }

    @Test
    void namesTheFieldPathOfAnInputError() {
        Problem p = oneError("""
                schemaVersion: 1.0
                phases:
                  - name: test
                    steps:
                      - name: Fetch
                        action: WebDownload
                        inputs:
                          - source: https://example.com/a
                            destination: /tmp/a
                          - source: https://example.com/b
                            destination: /tmp/b
                            overwrite: sometimes
                """);

        assertThat(p).hasToString("doc.yaml:12:24: error: phase 'test', step 'Fetch', field 'inputs[1].overwrite':"
                + " must be true or false, not 'sometimes'");
    }

    @Test
    void namesThePhaseOfAPhaseLevelError() {
        Problem p = oneError("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    stepz: []
                    steps:
                      - name: A
                        action: Reboot
                """);

        assertThat(p).hasToString("doc.yaml:4:5: error: phase 'build', field 'stepz': unknown field of a phase"
                + " 'stepz' (did you mean steps?)");
    }

    @Test
    void namesTheParameterFieldOfAParameterError() {
        Problem p = oneError("""
                schemaVersion: 1.0
                parameters:
                  - Mode:
                      type: strin
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: Reboot
                """);

        assertThat(p).hasToString("doc.yaml:4:13: error: field 'parameters.Mode.type': unknown parameter type 'strin',"
                + " expected one of string, integer, boolean, stringList (did you mean string?)");
    }

    // ---- all errors at once ------------------------------------------------------------------------

    @Test
    void collectsEveryErrorNotOnlyTheFirst() {
        DocumentReader.Result r = read("""
                schemaVersion: 1.0
                author: me
                parameters:
                  - Mode:
                      type: text
                phases:
                  - name: build
                    steps:
                      - name: One
                        action: ExecuteBsh
                        inputs:
                          commands: [echo one]
                      - name: Two
                        action: ExecuteBash
                        timeoutSeconds: 0
                        inputs:
                          commands: [echo two]
                  - name: test
                    steps:
                      - name: Three
                        action: ExecuteBash
                        onFailure: Retry
                        inputs:
                          commands: ['{{ Mdoe }}']
                """);

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(Problem::toString).containsExactly(
                "doc.yaml:2:1: error: field 'author': unknown field 'author'",
                "doc.yaml:5:13: error: field 'parameters.Mode.type': unknown parameter type 'text', expected one of"
                        + " string, integer, boolean, stringList",
                "doc.yaml:10:17: error: phase 'build', step 'One', field 'action': unknown action 'ExecuteBsh'"
                        + " (did you mean ExecuteBash?)",
                "doc.yaml:15:25: error: phase 'build', step 'Two', field 'timeoutSeconds': timeoutSeconds must be a"
                        + " positive number of seconds, or -1 for no limit",
                "doc.yaml:22:20: error: phase 'test', step 'Three', field 'onFailure': onFailure must be Abort,"
                        + " Continue or Ignore, not 'Retry'",
                "doc.yaml:24:22: error: phase 'test', step 'Three', field 'inputs': {{ Mdoe }}: no parameter or"
                        + " constant named 'Mdoe' (did you mean Mode?)");
    }

    @Test
    void collectsFiveDistinctMistakesAsFiveErrors() {
        DocumentReader.Result r = read("""
                schemaVersion: 2.0
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: ExecuteBash
                        maxAttempts: 0
                        inputs:
                          commands: [echo a]
                      - name: A
                        action: CreateFile
                        inputs:
                          - content: no path
                      - name: C
                        action: Assert
                        inputs:
                          stringEquals: x
                """);

        assertThat(r.errors()).hasSize(5);
        assertThat(r.errors()).extracting(Problem::field).containsExactly("schemaVersion", "maxAttempts", "name",
                "inputs[0].path", "inputs");
    }

    @Test
    void givesNoDocumentWhenThereAreErrors() {
        DocumentReader.Result r = read(HELLO.replace("ExecuteBash", "ExecuteBsh"));

        assertThat(r.document()).isNull();
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).hasSize(2);
    }

    @Test
    void givesTheDocumentWhenThereAreOnlyWarnings() {
        DocumentReader.Result r = read(HELLO.replace("- name: validate", "- name: cleanup"));

        assertThat(r.valid()).isTrue();
        assertThat(r.errors()).isEmpty();
        assertThat(warnings(r)).hasSize(1);
    }

    // ---- platforms -----------------------------------------------------------------------------------

    @Test
    void notesEachModuleThatCannotRunOnThePlatform() {
        ComponentDocument doc = valid("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Ps1
                        action: ExecutePowerShell
                        inputs:
                          commands: [Write-Host hi]
                      - name: Ps2
                        action: ExecutePowerShell
                        inputs:
                          file: C:\\setup.ps1
                      - name: Bash
                        action: ExecuteBash
                        inputs:
                          commands: [echo hi]
                """);

        assertThat(DocumentReader.platformNotes(doc, Platform.LINUX))
                .containsExactly("ExecutePowerShell runs only on " + Platform.WINDOWS.displayName());
        assertThat(DocumentReader.platformNotes(doc, Platform.WINDOWS)).singleElement().asString()
                .startsWith("ExecuteBash runs only on ");
    }

    @Test
    void hasNoPlatformNotesForPortableDocuments() {
        assertThat(DocumentReader.platformNotes(valid(HELLO), Platform.LINUX)).isEmpty();
    }
}
