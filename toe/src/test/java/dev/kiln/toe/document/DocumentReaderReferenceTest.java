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

import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every {{ }} reference: parameters and constants, chaining to earlier steps, loop variables. */
class DocumentReaderReferenceTest {

    private static final String VARIABLES = """
            schemaVersion: 1.0
            parameters:
              - Greeting:
                  type: string
                  default: hello
            constants:
              - Target:
                  type: string
                  value: world
            phases:
              - name: build
                steps:
            """;

    /** A document with a parameter Greeting and a constant Target, and these build steps. */
    private static String withVariables(String steps) {
        return VARIABLES + steps.indent(6);
    }

    private static String bash(String name, String command) {
        return "- name: " + name + "\n  action: ExecuteBash\n  inputs:\n    commands:\n      - '" + command + "'\n";
    }

    // ---- parameters and constants -------------------------------------------------------------------

    @Test
    void acceptsParametersAndConstants() {
        valid(withVariables(bash("Say", "echo {{ Greeting }} {{Target}}")));
    }

    @Test
    void rejectsAnUnknownParameterWithASuggestion() {
        Problem p = oneError(withVariables(bash("Say", "echo {{ Greting }}")));

        assertThat(p).hasToString("doc.yaml:17:15: error: phase 'build', step 'Say', field 'inputs':"
                + " {{ Greting }}: no parameter or constant named 'Greting' (did you mean Greeting?)");
    }

    @Test
    void matchesVariableNamesCaseSensitively() {
        assertThat(oneError(withVariables(bash("Say", "echo {{ greeting }}"))).message())
                .isEqualTo("{{ greeting }}: no parameter or constant named 'greeting' (did you mean Greeting?)");
    }

    @Test
    void rejectsAnUnknownVariableFarFromAnyName() {
        assertThat(oneError(withVariables(bash("Say", "echo {{ Unrelated }}"))).message())
                .isEqualTo("{{ Unrelated }}: no parameter or constant named 'Unrelated'");
    }

    @Test
    void reportsEachBadReferenceInAString() {
        DocumentReader.Result r = read(withVariables(bash("Say", "{{ A1b }} {{ Greeting }} {{ C2d }}")));

        assertThat(errors(r)).containsExactly("{{ A1b }}: no parameter or constant named 'A1b'",
                "{{ C2d }}: no parameter or constant named 'C2d'");
    }

    @Test
    void checksReferencesInNestedInputs() {
        DocumentReader.Result r = read(withVariables("""
                - name: Write
                  action: CreateFile
                  inputs:
                    - path: '/tmp/{{ Nope1 }}'
                      content: '{{ Greeting }}'
                - name: Nested
                  action: ExecuteDocument
                  inputs:
                    document: other.yaml
                    parameters:
                      - name: P
                        value: '{{ Nope2 }}'
                """));

        assertThat(errors(r)).containsExactly("{{ Nope1 }}: no parameter or constant named 'Nope1'",
                "{{ Nope2 }}: no parameter or constant named 'Nope2'");
    }

    @Test
    void leavesGoTemplatesAlone() {
        validSteps(bash("Containers", "docker ps --format {{.Names}} && docker inspect -f \"{{ json .Config }}\" x"));
    }

    @Test
    void leavesNamespacedVariablesAlone() {
        validSteps(bash("Env", "echo {{ env:HOME }} {{ aws:ssm:/app/version }}"));
    }

    // ---- malformed --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"build.First.output.stdout", "build.First.stdout", "build.First.outputs[0].stdout",
            "build.First.inputs[x].commands", "a.b.c.d.e"})
    void rejectsMalformedReferences(String expression) {
        Problem p = oneStepError(bash("First", "echo") + bash("Second", "echo {{ " + expression + " }}"));

        assertThat(p.message()).isEqualTo("{{ " + expression + " }} is not a reference Kiln knows: expected"
                + " {{ Name }}, {{ phase.step.inputs[0].name }}, {{ phase.step.outputs.name }} or {{ loop.value }}");
        assertThat(p.step()).isEqualTo("Second");
    }

    // ---- chaining -----------------------------------------------------------------------------------------

    @Test
    void acceptsChainingToAnEarlierStepOfThePhase() {
        validSteps(bash("First", "uname -r") + bash("Second", "echo {{ build.First.outputs.stdout }}")
                + bash("Third", "echo {{ build.First.inputs.commands }} {{ build.First.inputs[0].commands }}"));
    }

    @Test
    void acceptsChainingToAnEarlierPhase() {
        valid("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Download
                        action: WebDownload
                        inputs:
                          - source: https://example.com/a.zip
                            destination: /tmp/a.zip
                          - source: https://example.com/b.zip
                            destination: /tmp/b.zip
                  - name: validate
                    steps:
                      - name: Check
                        action: ExecuteBash
                        inputs:
                          commands:
                            - 'test -f {{ build.Download.inputs[1].destination }}'
                            - 'echo "{{ build.Download.outputs.destination }}"'
                """);
    }

    @Test
    void rejectsChainingToALaterStep() {
        Problem p = oneStepError(bash("First", "echo {{ build.Second.outputs.stdout }}") + bash("Second", "echo"));

        assertThat(p.message()).isEqualTo("{{ build.Second.outputs.stdout }}: no step 'Second' before this one in"
                + " phase 'build'");
        assertThat(p.step()).isEqualTo("First");
    }

    @Test
    void rejectsChainingToTheStepItself() {
        assertThat(oneStepError(bash("Self", "echo {{ build.Self.outputs.stdout }}")).message())
                .isEqualTo("{{ build.Self.outputs.stdout }}: no step 'Self' before this one in phase 'build'");
    }

    @Test
    void rejectsChainingToAnUnknownStepWithASuggestion() {
        assertThat(oneStepError(bash("Install", "x") + bash("Use", "echo {{ build.Instal.outputs.stdout }}")).message())
                .isEqualTo("{{ build.Instal.outputs.stdout }}: no step 'Instal' before this one in phase 'build'"
                        + " (did you mean Install?)");
    }

    @Test
    void rejectsChainingToALaterPhase() {
        Problem p = oneError("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Use
                        action: ExecuteBash
                        inputs:
                          commands: ['echo {{ validate.Check.outputs.stdout }}']
                  - name: validate
                    steps:
                      - name: Check
                        action: ExecuteBash
                        inputs:
                          commands: [echo]
                """);

        assertThat(p.message()).isEqualTo("{{ validate.Check.outputs.stdout }}: no phase 'validate' before this step");
    }

    @Test
    void rejectsChainingToAnUnknownPhaseWithASuggestion() {
        assertThat(oneStepError(bash("A", "x") + bash("B", "{{ biuld.A.outputs.stdout }}")).message())
                .isEqualTo("{{ biuld.A.outputs.stdout }}: no phase 'biuld' before this step (did you mean build?)");
    }

    @Test
    void rejectsAnUnknownOutputWithASuggestion() {
        Problem p = oneStepError(bash("First", "uname") + bash("Second", "echo {{ build.First.outputs.stdot }}"));

        assertThat(p.message()).isEqualTo("{{ build.First.outputs.stdot }}: ExecuteBash has no output 'stdot'"
                + " (did you mean stdout?)");
    }

    @Test
    void rejectsAnOutputOfAModuleWithoutOutputs() {
        assertThat(oneStepError("- name: Make\n  action: CreateFolder\n  inputs:\n    - path: /a\n"
                + bash("Use", "{{ build.Make.outputs.path }}")).message())
                .isEqualTo("{{ build.Make.outputs.path }}: CreateFolder has no output 'path' (it has no outputs)");
    }

    @Test
    void acceptsTheOutputsOfEveryModuleThatHasThem() {
        validSteps("""
                - name: Bin
                  action: ExecuteBinary
                  inputs: {path: /bin/true}
                - name: Fetch
                  action: WebDownload
                  inputs: [{source: 'https://example.com/a', destination: /tmp/a}]
                - name: List
                  action: ListFiles
                  inputs: [{path: /tmp}]
                - name: Read
                  action: ReadFile
                  inputs: [{path: /etc/hostname}]
                - name: Nested
                  action: ExecuteDocument
                  inputs: {document: other.yaml}
                - name: Use
                  action: ExecuteBash
                  inputs:
                    commands:
                      - 'echo {{ build.Bin.outputs.stdout }} {{ build.Fetch.outputs.destination }}'
                      - 'echo {{ build.List.outputs.files }} {{ build.Read.outputs.content }}'
                      - 'echo {{ build.Nested.outputs.status }} {{ build.Nested.outputs.failedStepCount }}'
                """);
    }

    @Test
    void rejectsAnUnknownInputWithASuggestion() {
        assertThat(oneStepError(bash("First", "x") + bash("Second", "{{ build.First.inputs.comands }}")).message())
                .isEqualTo("{{ build.First.inputs.comands }}: ExecuteBash has no input 'comands' (did you mean commands?)");
    }

    @Test
    void rejectsAnInputIndexOutOfRange() {
        Problem p = oneStepError("""
                - name: Download
                  action: S3Download
                  inputs:
                    - source: s3://bucket/a
                      destination: /tmp/a
                    - source: s3://bucket/b
                      destination: /tmp/b
                """ + bash("Use", "cat {{ build.Download.inputs[2].destination }}"));

        assertThat(p.message()).isEqualTo("{{ build.Download.inputs[2].destination }}: step 'Download' has 2 inputs"
                + " (indexes start at 0)");
    }

    @Test
    void countsAMappingOfInputsAsOne() {
        assertThat(oneStepError(bash("First", "x") + bash("Second", "{{ build.First.inputs[1].commands }}")).message())
                .isEqualTo("{{ build.First.inputs[1].commands }}: step 'First' has 1 input (indexes start at 0)");
    }

    @Test
    void warnsWhenTheTestPhaseChainsToTheBuildPhase() {
        DocumentReader.Result r = read("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: Version
                        action: ExecuteBash
                        inputs: {commands: [echo 1]}
                  - name: test
                    steps:
                      - name: Check
                        action: ExecuteBash
                        inputs:
                          commands: ['test "{{ build.Version.outputs.stdout }}" = 1']
                """);

        assertThat(r.valid()).isTrue();
        assertThat(warnings(r)).containsExactly("{{ build.Version.outputs.stdout }}: Image Builder runs the test phase"
                + " on a new instance, where values from phase 'build' are not available");
    }

    @Test
    void acceptsChainingWithinTheTestPhase() {
        DocumentReader.Result r = read("""
                schemaVersion: 1.0
                phases:
                  - name: test
                    steps:
                      - name: Count
                        action: ExecuteBash
                        inputs: {commands: [echo 1]}
                      - name: Check
                        action: ExecuteBash
                        inputs: {commands: ['echo {{ test.Count.outputs.stdout }}']}
                """);

        assertThat(r.problems()).isEmpty();
    }

    @Test
    void acceptsChainingToAStepOfAnUnknownAction() {
        DocumentReader.Result r = readSteps("- name: Odd\n  action: Teleport\n" + bash("Use", "{{ build.Odd.outputs.x }}"));

        assertThat(errors(r)).containsExactly("unknown action 'Teleport'");
    }

    @Test
    void checksReferencesInAForEachList() {
        Problem p = oneStepError("""
                - name: Each
                  action: ExecuteBash
                  loop:
                    forEach:
                      - '{{ build.Later.outputs.stdout }}'
                  inputs:
                    commands: ['echo {{ loop.value }}']
                """);

        assertThat(p.field()).isEqualTo("loop");
        assertThat(p.message()).startsWith("{{ build.Later.outputs.stdout }}: no step 'Later'");
    }

    // ---- loop variables ---------------------------------------------------------------------------------------

    @Test
    void acceptsLoopVariablesInsideTheirLoop() {
        validSteps("""
                - name: Named
                  action: ExecuteBash
                  loop:
                    name: hosts
                    forEach: [a, b]
                  inputs:
                    commands:
                      - 'echo {{ hosts.index }} {{ hosts.value }} {{ loop.index }} {{ loop.value }}'
                """);
    }

    @Test
    void rejectsLoopVariablesInAStepWithoutLoop() {
        Problem p = oneStepError(bash("NoLoop", "echo {{ loop.value }}"));

        assertThat(p.message()).isEqualTo("{{ loop.value }}: this step has no loop; loop variables are usable only"
                + " inside their own step");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 9, 15));
    }

    @Test
    void rejectsAnotherStepsLoopVariables() {
        Problem p = oneStepError("""
                - name: First
                  action: ExecuteBash
                  loop: {name: first, forEach: [a]}
                  inputs: {commands: ['echo {{ first.value }}']}
                - name: Second
                  action: ExecuteBash
                  loop: {name: second, forEach: [b]}
                  inputs: {commands: ['echo {{ first.value }}']}
                """);

        assertThat(p.message()).isEqualTo("{{ first.value }}: no loop named 'first' on this step; loop variables are"
                + " usable only inside their own step");
        assertThat(p.step()).isEqualTo("Second");
    }

    @Test
    void rejectsLoopVariablesInTheCondition() {
        Problem p = oneStepError("""
                - name: Each
                  action: ExecuteBash
                  loop: {forEach: [a, b]}
                  if:
                    stringEquals: a
                    value: '{{ loop.value }}'
                  inputs: {commands: ['echo {{ loop.value }}']}
                """);

        assertThat(p.field()).isEqualTo("if");
        assertThat(p.message()).isEqualTo("{{ loop.value }}: loop variables are usable only in the inputs of the step"
                + " that has the loop");
    }

    @Test
    void rejectsLoopVariablesInTheLoopItself() {
        Problem p = oneStepError("""
                - name: Each
                  action: ExecuteBash
                  loop:
                    name: items
                    forEach: ['{{ items.index }}']
                  inputs: {commands: ['echo {{ items.value }}']}
                """);

        assertThat(p.field()).isEqualTo("loop");
        assertThat(p.message()).startsWith("{{ items.index }}: loop variables are usable only in the inputs");
    }

    @Test
    void rejectsLoopVariablesOfAnInvalidLoopsName() {
        DocumentReader.Result r = readSteps("""
                - name: Each
                  action: ExecuteBash
                  loop:
                    name: loop
                    forEach: [a]
                  inputs: {commands: ['echo {{ loop.value }}']}
                """);

        assertThat(errors(r)).containsExactly("'loop' is reserved; it names the current loop");
    }

    @Test
    void rejectsAnInputIndexTooLargeToReadWithoutCrashing() {
        assertThat(oneStepError(bash("First", "x") + bash("Second", "{{ build.First.inputs[99999999999].commands }}"))
                .message()).startsWith("{{ build.First.inputs[99999999999].commands }} is not a reference Kiln knows");
    }
}
