package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneError;
import static dev.kiln.toe.document.Docs.oneStepError;
import static dev.kiln.toe.document.Docs.read;
import static dev.kiln.toe.document.Docs.readSteps;
import static dev.kiln.toe.document.Docs.valid;
import static dev.kiln.toe.document.Docs.validSteps;
import static dev.kiln.toe.document.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.action.ActionModules;
import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Phases, and the fields every step has: name, action, timeoutSeconds, onFailure, maxAttempts. */
class DocumentReaderStepTest {

    private static String phase(String name) {
        return """
                  - name: %s
                    steps:
                      - name: A
                        action: Reboot
                """.formatted(name);
    }

    private static String phases(String... names) {
        StringBuilder sb = new StringBuilder("schemaVersion: 1.0\nphases:\n");
        for (String n : names) {
            sb.append(phase(n));
        }
        return sb.toString();
    }

    // ---- phases --------------------------------------------------------------------------------------

    @Test
    void keepsPhasesInDocumentOrder() {
        assertThat(valid(phases("test", "build", "validate")).phases()).extracting(Phase::name)
                .containsExactly("test", "build", "validate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"build", "validate", "test"})
    void acceptsAnyOneImageBuilderPhaseAlone(String name) {
        valid(phases(name));
    }

    @Test
    void acceptsContainerHostTestBesideAnImageBuilderPhase() {
        DocumentReader.Result r = read(phases("build", "container-host-test"));

        assertThat(r.valid()).isTrue();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void warnsAboutAPhaseImageBuilderDoesNotRun() {
        DocumentReader.Result r = read(phases("build", "cleanup"));

        assertThat(r.valid()).isTrue();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.phase()).isEqualTo("cleanup");
            assertThat(p.message()).isEqualTo("Image Builder runs phases build, validate and test; 'cleanup' runs only"
                    + " when named with --phases");
        });
    }

    @Test
    void suggestsTheNearestPhaseName() {
        DocumentReader.Result r = read(phases("build", "vaildate"));

        assertThat(warnings(r)).singleElement().asString().endsWith("(did you mean validate?)");
    }

    @Test
    void needsAtLeastOneOfBuildValidateAndTest() {
        DocumentReader.Result r = read(phases("bulid"));

        assertThat(errors(r)).containsExactly("a document needs at least one of the phases build, validate and test");
        assertThat(warnings(r)).singleElement().asString().endsWith("(did you mean build?)");
        assertThat(r.errors().get(0).mark()).isEqualTo(new Mark("doc.yaml", 3, 3));
    }

    @Test
    void rejectsAPhaseNamedTwice() {
        Problem p = oneError(phases("build", "test", "build"));

        assertThat(p.message()).isEqualTo("phase 'build' appears twice");
        assertThat(p.phase()).isEqualTo("build");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 11, 11));
    }

    @Test
    void requiresPhases() {
        assertThat(oneError("schemaVersion: 1.0\n").message()).isEqualTo("phases is required");
    }

    @Test
    void rejectsAnEmptyListOfPhases() {
        assertThat(oneError("schemaVersion: 1.0\nphases: []\n").message())
                .isEqualTo("phases must be a non-empty list of phases");
    }

    @Test
    void rejectsPhasesWrittenAsAMapping() {
        assertThat(oneError("schemaVersion: 1.0\nphases:\n  build:\n    steps: []\n").message())
                .isEqualTo("phases must be a non-empty list of phases");
    }

    @Test
    void rejectsAPhaseThatIsNoMapping() {
        assertThat(errors(read("schemaVersion: 1.0\nphases:\n  - build\n" + phase("test"))))
                .containsExactly("a phase is a mapping with name and steps, not a string");
    }

    @Test
    void requiresAPhaseName() {
        Problem p = oneError("schemaVersion: 1.0\nphases:\n  - steps: []\n" + phase("build"));

        assertThat(p.message()).isEqualTo("name is required");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 3, 5));
    }

    @Test
    void requiresStepsInAPhase() {
        Problem p = oneError("schemaVersion: 1.0\nphases:\n  - name: build\n");

        assertThat(p.message()).isEqualTo("a phase needs a non-empty list of steps");
        assertThat(p.phase()).isEqualTo("build");
    }

    @Test
    void rejectsAnEmptyListOfSteps() {
        assertThat(oneError("schemaVersion: 1.0\nphases:\n  - name: build\n    steps: []\n").message())
                .isEqualTo("a phase needs a non-empty list of steps");
    }

    @Test
    void rejectsAnUnknownPhaseField() {
        Problem p = oneError("schemaVersion: 1.0\nphases:\n" + phase("build").replace("    steps:",
                "    onFailure: Abort\n    steps:"));

        assertThat(p.message()).isEqualTo("unknown field of a phase 'onFailure'");
    }

    // ---- step names ------------------------------------------------------------------------------------

    @Test
    void rejectsAStepNameUsedTwiceInAPhase() {
        Problem p = oneStepError("""
                - name: Install
                  action: Reboot
                - name: Configure
                  action: Reboot
                - name: Install
                  action: Reboot
                """);

        assertThat(p).hasToString("doc.yaml:9:15: error: phase 'build', step 'Install', field 'name':"
                + " step 'Install' appears twice in phase 'build'");
    }

    @Test
    void acceptsTheSameStepNameInDifferentPhases() {
        valid(phases("build", "validate", "test"));
    }

    @Test
    void requiresAStepName() {
        Problem p = oneStepError("- action: Reboot\n");

        assertThat(p.message()).isEqualTo("name is required");
        assertThat(p.phase()).isEqualTo("build");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 5, 9));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'has space'", "'dot.ted'", "'{{ Name }}'"})
    void rejectsStepNamesWithOtherCharacters(String name) {
        assertThat(oneStepError("- name: " + name + "\n  action: Reboot\n").message())
                .isEqualTo("step names are letters, digits, '_' and '-'");
    }

    @Test
    void rejectsAStepThatIsNoMapping() {
        assertThat(oneStepError("- Reboot\n").message())
                .isEqualTo("a step is a mapping with name, action and inputs, not a string");
    }

    @Test
    void rejectsAnUnknownStepFieldWithASuggestion() {
        Problem p = oneStepError("""
                - name: A
                  action: ExecuteBash
                  inputz:
                    commands: [echo]
                  inputs:
                    commands: [echo]
                """);

        assertThat(p.message()).isEqualTo("unknown step field 'inputz' (did you mean inputs?)");
        assertThat(p.step()).isEqualTo("A");
    }

    // ---- actions -----------------------------------------------------------------------------------------

    @Test
    void rejectsAnUnknownActionWithASuggestion() {
        Problem p = oneStepError("- name: A\n  action: ExecuteBsh\n  inputs:\n    commands: [echo]\n");

        assertThat(p.message()).isEqualTo("unknown action 'ExecuteBsh' (did you mean ExecuteBash?)");
        assertThat(p.field()).isEqualTo("action");
    }

    @Test
    void suggestsTheActionWhenOnlyItsCaseIsWrong() {
        assertThat(oneStepError("- name: A\n  action: executebash\n  inputs:\n    commands: [echo]\n").message())
                .isEqualTo("unknown action 'executebash' (did you mean ExecuteBash?)");
    }

    @Test
    void rejectsAnUnknownActionFarFromAnyName() {
        assertThat(oneStepError("- name: A\n  action: Teleport\n").message()).isEqualTo("unknown action 'Teleport'");
    }

    @Test
    void requiresAnAction() {
        assertThat(oneStepError("- name: A\n").message()).isEqualTo("action is required");
    }

    @Test
    void knowsEveryDocumentedModule() {
        assertThat(ActionModules.names()).contains("ExecuteBash", "ExecuteBinary", "ExecuteDocument", "Assert",
                "WebDownload", "S3Download", "S3Upload", "AppendFile", "CopyFile", "CopyFolder", "MoveFile",
                "MoveFolder", "CreateFile", "CreateFolder", "CreateSymlink", "DeleteFile", "DeleteFolder",
                "ListFiles", "ReadFile", "SetFileEncoding", "SetFileOwner", "SetFolderOwner", "SetFilePermissions",
                "SetFolderPermissions", "Reboot", "UpdateOS", "ExecutePowerShell", "InstallMSI", "UninstallMSI",
                "SetRegistry");
    }

    // ---- timeoutSeconds, maxAttempts, onFailure ------------------------------------------------------------

    @Test
    void readsTimeoutMaxAttemptsAndOnFailure() {
        Step s = validSteps("""
                - name: A
                  action: Reboot
                  timeoutSeconds: 60
                  maxAttempts: 3
                  onFailure: Continue
                """).phases().get(0).steps().get(0);

        assertThat(s.timeoutSeconds()).isEqualTo(60);
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.onFailure()).isEqualTo(OnFailure.Continue);
    }

    @Test
    void acceptsMinusOneAsNoTimeout() {
        assertThat(validSteps("- name: A\n  action: Reboot\n  timeoutSeconds: -1\n").phases().get(0).steps().get(0)
                .timeoutSeconds()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "-7200"})
    void rejectsZeroAndNegativeTimeoutsOtherThanMinusOne(String timeout) {
        Problem p = oneStepError("- name: A\n  action: Reboot\n  timeoutSeconds: " + timeout + "\n");

        assertThat(p.message()).isEqualTo("timeoutSeconds must be a positive number of seconds, or -1 for no limit");
        assertThat(p.field()).isEqualTo("timeoutSeconds");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 7, 25));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "soon", "'{{ Timeout }}'", "[60]"})
    void rejectsTimeoutsThatAreNoIntegers(String timeout) {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  timeoutSeconds: " + timeout + "\n").message())
                .startsWith("timeoutSeconds must be an integer, not ");
    }

    @Test
    void readsAQuotedTimeout() {
        assertThat(validSteps("- name: A\n  action: Reboot\n  timeoutSeconds: '90'\n").phases().get(0).steps()
                .get(0).timeoutSeconds()).isEqualTo(90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void rejectsMaxAttemptsBelowOne(String attempts) {
        Problem p = oneStepError("- name: A\n  action: Reboot\n  maxAttempts: " + attempts + "\n");

        assertThat(p.message()).isEqualTo("maxAttempts must be at least 1");
        assertThat(p.field()).isEqualTo("maxAttempts");
    }

    @Test
    void rejectsMaxAttemptsThatIsNoInteger() {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  maxAttempts: twice\n").message())
                .isEqualTo("maxAttempts must be an integer, not 'twice'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Abort", "Continue", "Ignore"})
    void acceptsEveryOnFailure(String value) {
        assertThat(validSteps("- name: A\n  action: Reboot\n  onFailure: " + value + "\n").phases().get(0).steps()
                .get(0).onFailure()).isEqualTo(OnFailure.valueOf(value));
    }

    @Test
    void rejectsAnUnknownOnFailureWithASuggestion() {
        Problem p = oneStepError("- name: A\n  action: Reboot\n  onFailure: Ignor\n");

        assertThat(p.message()).isEqualTo("onFailure must be Abort, Continue or Ignore, not 'Ignor' (did you mean Ignore?)");
        assertThat(p.field()).isEqualTo("onFailure");
    }

    @Test
    void rejectsOnFailureWrittenInLowerCase() {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  onFailure: continue\n").message())
                .endsWith("not 'continue' (did you mean Continue?)");
    }

    @Test
    void rejectsOnFailureThatIsAList() {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  onFailure: [Abort]\n").message())
                .isEqualTo("onFailure must be Abort, Continue or Ignore");
    }

    @Test
    void reportsEveryBadStepField() {
        DocumentReader.Result r = readSteps("""
                - name: A
                  action: Reboot
                  timeoutSeconds: 0
                  maxAttempts: 0
                  onFailure: Sometimes
                """);

        assertThat(r.errors()).extracting(Problem::field).containsExactly("timeoutSeconds", "maxAttempts",
                "onFailure");
    }

    // ---- ExecuteDocument's fixed fields --------------------------------------------------------------------

    @Test
    void runsExecuteDocumentWithoutTimeoutAndOnce() {
        Step s = validSteps("""
                - name: Nested
                  action: ExecuteDocument
                  inputs:
                    document: other.yaml
                """).phases().get(0).steps().get(0);

        assertThat(s.timeoutSeconds()).isEqualTo(-1);
        assertThat(s.maxAttempts()).isEqualTo(1);
    }

    @Test
    void acceptsExecuteDocumentsFixedValuesWrittenOut() {
        validSteps("""
                - name: Nested
                  action: ExecuteDocument
                  timeoutSeconds: -1
                  maxAttempts: 1
                  inputs:
                    document: other.yaml
                """);
    }

    @Test
    void rejectsATimeoutOnExecuteDocument() {
        Problem p = oneStepError("""
                - name: Nested
                  action: ExecuteDocument
                  timeoutSeconds: 600
                  inputs:
                    document: other.yaml
                """);

        assertThat(p.message()).isEqualTo("ExecuteDocument always runs with timeoutSeconds -1; leave it out");
        assertThat(p.field()).isEqualTo("timeoutSeconds");
    }

    @Test
    void rejectsRetriesOnExecuteDocument() {
        Problem p = oneStepError("""
                - name: Nested
                  action: ExecuteDocument
                  maxAttempts: 3
                  inputs:
                    document: other.yaml
                """);

        assertThat(p.message()).isEqualTo("ExecuteDocument always runs with maxAttempts 1; leave it out");
    }
}
