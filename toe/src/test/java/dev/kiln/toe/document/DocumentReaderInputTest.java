package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneStepError;
import static dev.kiln.toe.document.Docs.readSteps;
import static dev.kiln.toe.document.Docs.validSteps;
import static dev.kiln.toe.document.Docs.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.action.ActionModules;
import dev.kiln.toe.action.InputField;
import dev.kiln.toe.action.InputShape;
import dev.kiln.toe.action.Inputs;
import dev.kiln.toe.action.ModuleSpec;
import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import dev.kiln.toe.yaml.YNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each action module's inputs: shape, required inputs, types, unknown inputs. */
class DocumentReaderInputTest {

    private static YNode inputs(ComponentDocument doc) {
        return doc.phases().get(0).steps().get(0).inputs();
    }

    // ---- every module -----------------------------------------------------------------------------------

    static Stream<String> modulesWithInputs() {
        return ActionModules.names().stream()
                .filter(n -> ActionModules.get(n).orElseThrow().shape() != InputShape.EXPRESSION);
    }

    /** A value of the input's type, written as YAML. */
    private static String sample(InputField f) {
        return switch (f.type()) {
            case STRING, ANY -> "x";
            case STRING_LIST -> "[x]";
            case BOOLEAN -> "true";
            case INTEGER -> "1";
            case PERMISSIONS -> "'0755'";
            case ENCODING -> "utf8";
            case HASH_ALGORITHM -> "SHA256";
            case NAME_VALUE_LIST -> "[{name: a, value: b}]";
            case STRING_MAP -> "{a: b}";
        };
    }

    private static String step(ModuleSpec spec, List<InputField> fields) {
        List<String> pairs = new ArrayList<>();
        for (InputField f : fields) {
            pairs.add(f.name() + ": " + sample(f));
        }
        String map = "{" + String.join(", ", pairs) + "}";
        return "- name: Step\n  action: " + spec.name() + "\n  inputs: "
                + (spec.shape() == InputShape.LIST ? "[" + map + "]" : map) + "\n";
    }

    @ParameterizedTest
    @MethodSource("modulesWithInputs")
    void acceptsEveryModuleWithAllItsInputs(String module) {
        ModuleSpec spec = ActionModules.get(module).orElseThrow();
        List<InputField> fields = spec.fields();
        if (module.equals("ExecutePowerShell")) {
            fields = fields.stream().filter(f -> !f.name().equals("file")).toList();
        }

        DocumentReader.Result r = readSteps(step(spec, fields));

        assertThat(r.problems()).as(module).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("modulesWithInputs")
    void namesEveryMissingRequiredInputOfEveryModule(String module) {
        ModuleSpec spec = ActionModules.get(module).orElseThrow();
        List<InputField> optional = spec.fields().stream().filter(f -> !f.required()).toList();
        List<String> required = spec.fields().stream().filter(InputField::required).map(InputField::name).toList();

        DocumentReader.Result r = readSteps(step(spec, module.equals("ExecutePowerShell") ? List.of() : optional));

        String where = spec.shape() == InputShape.LIST ? "inputs[0]." : "inputs.";
        List<String> expected = new ArrayList<>(required.stream().map(n -> module + " needs input '" + n + "'").toList());
        if (module.equals("ExecutePowerShell")) {
            expected.add("ExecutePowerShell takes either commands or file");
        }
        assertThat(errors(r)).as(module).containsExactlyElementsOf(expected);
        assertThat(r.errors().subList(0, required.size())).extracting(Problem::field).as(module)
                .containsExactlyElementsOf(required.stream().map(n -> where + n).toList());
    }

    @ParameterizedTest
    @MethodSource("modulesWithInputs")
    void warnsAboutAnUnknownInputOfEveryModule(String module) {
        ModuleSpec spec = ActionModules.get(module).orElseThrow();
        List<InputField> fields = new ArrayList<>(spec.fields());
        if (module.equals("ExecutePowerShell")) {
            fields.removeIf(f -> f.name().equals("file"));
        }
        fields.add(InputField.optional("bogusInput", dev.kiln.toe.action.InputType.STRING));

        DocumentReader.Result r = readSteps(step(spec, fields));

        assertThat(r.errors()).as(module).isEmpty();
        assertThat(warnings(r)).as(module).containsExactly(module + " has no input 'bogusInput'; it is ignored");
    }

    // ---- required inputs ----------------------------------------------------------------------------

    @Test
    void requiresTheInputsOfAModuleThatNeedsThem() {
        Problem p = oneStepError("- name: A\n  action: ExecuteBash\n");

        assertThat(p.message()).isEqualTo("ExecuteBash needs inputs (commands)");
        assertThat(p.field()).isEqualTo("inputs");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 5, 9));
    }

    @Test
    void requiresEachRequiredInput() {
        Problem p = oneStepError("""
                - name: A
                  action: ExecuteBinary
                  inputs:
                    arguments: [--version]
                """);

        assertThat(p.message()).isEqualTo("ExecuteBinary needs input 'path'");
        assertThat(p.field()).isEqualTo("inputs.path");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 8, 11));
    }

    @Test
    void treatsANullInputAsMissing() {
        assertThat(oneStepError("- name: A\n  action: ExecuteBinary\n  inputs:\n    path:\n").message())
                .isEqualTo("ExecuteBinary needs input 'path'");
    }

    @Test
    void requiresInputsOfEveryListItem() {
        DocumentReader.Result r = readSteps("""
                - name: Fetch
                  action: WebDownload
                  inputs:
                    - source: https://example.com/a
                    - destination: /tmp/b
                """);

        assertThat(r.errors()).extracting(Problem::field).containsExactly("inputs[0].destination", "inputs[1].source");
        assertThat(errors(r)).containsExactly("WebDownload needs input 'destination'", "WebDownload needs input 'source'");
    }

    @Test
    void requiresInputsOfListModules() {
        assertThat(oneStepError("- name: A\n  action: CreateFolder\n").message())
                .isEqualTo("CreateFolder needs inputs (path)");
    }

    @Test
    void acceptsModulesWhoseInputsAreOptional() {
        validSteps("""
                - name: Restart
                  action: Reboot
                - name: Update
                  action: UpdateOS
                - name: Wait
                  action: Reboot
                  inputs:
                    delaySeconds: 10
                - name: Patch
                  action: UpdateOS
                  inputs:
                    include: [openssl]
                    exclude: [kernel*]
                """);
    }

    @Test
    void requiresAssertsExpression() {
        assertThat(oneStepError("- name: Check\n  action: Assert\n").message())
                .startsWith("Assert needs inputs: a comparison such as");
    }

    @Test
    void checksAssertsExpression() {
        Problem p = oneStepError("""
                - name: Check
                  action: Assert
                  inputs:
                    stringEquals: '2.1.1'
                """);

        assertThat(p.message()).isEqualTo("stringEquals needs 'value:' beside it, the value to compare");
        assertThat(p.step()).isEqualTo("Check");
        assertThat(p.field()).isEqualTo("inputs");
    }

    @Test
    void acceptsAValidAssert() {
        validSteps("""
                - name: Version
                  action: ExecuteBash
                  inputs:
                    commands: [cat /etc/version]
                - name: Check
                  action: Assert
                  inputs:
                    and:
                      - stringEquals: '2.1.1'
                        value: '{{ build.Version.outputs.stdout }}'
                      - patternMatches: '^2\\.'
                        value: '{{ build.Version.outputs.stdout }}'
                """);
    }

    @Test
    void requiresExactlyOneOfPowerShellsCommandsAndFile() {
        assertThat(oneStepError("- name: Ps\n  action: ExecutePowerShell\n  inputs:\n    commands: [a]\n    file: b\n")
                .message()).isEqualTo("ExecutePowerShell takes either commands or file");
        assertThat(oneStepError("- name: Ps\n  action: ExecutePowerShell\n  inputs: {}\n").message())
                .isEqualTo("ExecutePowerShell takes either commands or file");
    }

    @Test
    void validatesWindowsOnlyModules() {
        validSteps("""
                - name: Install
                  action: InstallMSI
                  inputs:
                    path: C:\\setup.msi
                    properties:
                      KEY: value
                - name: Registry
                  action: SetRegistry
                  inputs:
                    - path: HKLM:\\Software\\Kiln
                      name: Version
                      value: 1
                      type: DWORD
                """);
    }

    // ---- shapes ---------------------------------------------------------------------------------------

    @Test
    void rejectsAListWhereTheModuleTakesAMapping() {
        Problem p = oneStepError("""
                - name: A
                  action: ExecuteBash
                  inputs:
                    - commands: [echo hi]
                """);

        assertThat(p.message()).isEqualTo("ExecuteBash takes a mapping of inputs (commands), not a list");
        assertThat(p.field()).isEqualTo("inputs");
    }

    @Test
    void readsAMappingWhereTheModuleTakesAListAsAListOfOne() {
        DocumentReader.Result r = readSteps("""
                - name: A
                  action: CreateFolder
                  inputs:
                    path: /opt/app
                """);

        assertThat(r.valid()).isTrue();
        assertThat(warnings(r)).containsExactly("CreateFolder takes a list of inputs; this mapping is read as a list of one");
    }

    @Test
    void checksAMappingReadAsAListOfOne() {
        assertThat(oneStepError("- name: A\n  action: CreateFolder\n  inputs:\n    permissions: '0755'\n").field())
                .isEqualTo("inputs.path");
    }

    @Test
    void rejectsAnEmptyListOfInputs() {
        assertThat(oneStepError("- name: A\n  action: DeleteFile\n  inputs: []\n").message())
                .isEqualTo("DeleteFile takes a non-empty list of inputs, e.g. '- path: ...'");
    }

    @Test
    void rejectsAScalarWhereTheModuleTakesAList() {
        assertThat(oneStepError("- name: A\n  action: DeleteFile\n  inputs: /tmp/x\n").message())
                .isEqualTo("DeleteFile takes a non-empty list of inputs, e.g. '- path: ...'");
    }

    @Test
    void rejectsAListItemThatIsNoMapping() {
        Problem p = oneStepError("""
                - name: A
                  action: DeleteFile
                  inputs:
                    - path: /tmp/a
                    - /tmp/b
                """);

        assertThat(p.message()).isEqualTo("expected a mapping of DeleteFile inputs, not a string");
        assertThat(p.field()).isEqualTo("inputs[1]");
    }

    @Test
    void rejectsAListForAnOptionalMapping() {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  inputs:\n    - delaySeconds: 1\n").message())
                .isEqualTo("Reboot takes a mapping of inputs, not a list");
    }

    // ---- types ----------------------------------------------------------------------------------------

    @Test
    void rejectsAStringWhereAListOfStringsBelongs() {
        Problem p = oneStepError("- name: A\n  action: ExecuteBash\n  inputs:\n    commands: echo hi\n");

        assertThat(p.message()).isEqualTo("must be a list of strings, not 'echo hi'");
        assertThat(p.field()).isEqualTo("inputs.commands");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 8, 21));
    }

    @Test
    void rejectsNestedListsInAListOfStrings() {
        assertThat(oneStepError("- name: A\n  action: ExecuteBash\n  inputs:\n    commands: [[a]]\n").message())
                .isEqualTo("must be a list of strings, not a list");
    }

    @Test
    void rejectsAListWhereAStringBelongs() {
        assertThat(oneStepError("- name: A\n  action: ExecuteBinary\n  inputs:\n    path: [a, b]\n").message())
                .isEqualTo("must be a string, not a list");
    }

    @Test
    void readsNumbersAndBooleansAsStringsWhereStringsBelong() {
        validSteps("- name: A\n  action: ExecuteBinary\n  inputs:\n    path: 42\n    arguments: [1, true, ~]\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false", "True", "FALSE", "'true'", "'{{ Overwrite }}'"})
    void acceptsBooleans(String value) {
        DocumentReader.Result r = Docs.read("""
                schemaVersion: 1.0
                parameters:
                  - Overwrite:
                      type: boolean
                      default: true
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: CopyFile
                        inputs:
                          - source: /a
                            destination: /b
                            overwrite: %s
                """.formatted(value));

        assertThat(r.errors()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "1", "sometimes"})
    void rejectsWordsThatAreNoYaml12Booleans(String value) {
        Problem p = oneStepError("- name: A\n  action: DeleteFolder\n  inputs:\n    - path: /a\n      force: " + value + "\n");

        assertThat(p.message()).isEqualTo("must be true or false, not '" + value + "'");
        assertThat(p.field()).isEqualTo("inputs[0].force");
    }

    @Test
    void acceptsIntegers() {
        validSteps("- name: A\n  action: Reboot\n  inputs:\n    delaySeconds: 30\n");
        validSteps("- name: A\n  action: Reboot\n  inputs:\n    delaySeconds: '30'\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "1.5", "[1]"})
    void rejectsWhatIsNoInteger(String value) {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  inputs:\n    delaySeconds: " + value + "\n").message())
                .startsWith("must be an integer, not ");
    }

    @Test
    void acceptsAnUnquotedOctalModeAsOctal() {
        ComponentDocument doc = validSteps("""
                - name: Secure
                  action: SetFilePermissions
                  inputs:
                    - path: /usr/local/bin/tool
                      permissions: 0700
                """);

        YScalar mode = (YScalar) ((YMap) ((YList) inputs(doc)).items().get(0)).get("permissions").orElseThrow();
        assertThat(mode.text()).isEqualTo("0700");
        assertThat(Inputs.parseMode(mode.text())).isEqualTo(0700);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0755", "755", "'0644'", "0o750", "'{{ Mode }}'"})
    void acceptsModesInEveryForm(String mode) {
        DocumentReader.Result r = Docs.read("""
                schemaVersion: 1.0
                constants:
                  - Mode:
                      type: string
                      value: '0755'
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: CreateFile
                        inputs:
                          - path: /tmp/a
                            permissions: %s
                """.formatted(mode));

        assertThat(r.errors()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0800", "rwxr-xr-x", "0x1ED", "107777", "u+x"})
    void rejectsWhatIsNoOctalMode(String mode) {
        Problem p = oneStepError("- name: A\n  action: SetFolderPermissions\n  inputs:\n    - path: /a\n"
                + "      permissions: " + mode + "\n");

        assertThat(p.message()).isEqualTo("must be an octal mode such as '0755', not '" + mode + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"utf8", "UTF-8", "utf16", "utf-16-LE", "utf16-be", "utf32", "UTF-32-BE"})
    void acceptsEveryDocumentedEncoding(String encoding) {
        validSteps("- name: A\n  action: SetFileEncoding\n  inputs:\n    - path: /a\n      encoding: " + encoding + "\n");
    }

    @Test
    void rejectsAnUnknownEncoding() {
        assertThat(oneStepError("- name: A\n  action: ReadFile\n  inputs:\n    - path: /a\n      encoding: latin1\n")
                .message()).startsWith("must be one of utf8, utf-16");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MD5", "sha1", "SHA256", "Sha512"})
    void acceptsEveryChecksumAlgorithm(String algorithm) {
        validSteps("""
                - name: Fetch
                  action: WebDownload
                  inputs:
                    - source: https://example.com/a
                      destination: /tmp/
                      checksum: abc
                      algorithm: %s
                """.formatted(algorithm));
    }

    @Test
    void rejectsAnUnknownChecksumAlgorithm() {
        assertThat(oneStepError("""
                - name: Fetch
                  action: WebDownload
                  inputs:
                    - source: https://example.com/a
                      destination: /tmp/
                      algorithm: SHA3
                """).message()).isEqualTo("must be one of MD5, SHA1, SHA256, SHA512, not 'SHA3'");
    }

    @Test
    void acceptsExecuteDocumentParametersAsNamesAndValues() {
        validSteps("""
                - name: Nested
                  action: ExecuteDocument
                  inputs:
                    document: other.yaml
                    phases: build,validate
                    parameters:
                      - name: Greeting
                        value: hi
                """);
    }

    @Test
    void rejectsExecuteDocumentParametersWithoutValue() {
        assertThat(oneStepError("""
                - name: Nested
                  action: ExecuteDocument
                  inputs:
                    document: other.yaml
                    parameters:
                      - Greeting: hi
                """).message()).isEqualTo("must be a list of {name, value}, not a list");
    }

    @Test
    void rejectsAStringMapThatIsAList() {
        assertThat(oneStepError("- name: I\n  action: InstallMSI\n  inputs:\n    path: a.msi\n    properties: [a]\n")
                .message()).isEqualTo("must be a mapping of names to values, not a list");
    }

    @Test
    void leavesTypeChecksOfReferencesToRunTime() {
        validSteps("""
                - name: A
                  action: ExecuteBash
                  inputs:
                    commands: ['echo 30']
                - name: B
                  action: Reboot
                  inputs:
                    delaySeconds: '{{ build.A.outputs.stdout }}'
                """);
    }

    // ---- unknown inputs -------------------------------------------------------------------------------

    @Test
    void warnsAboutAnUnknownInputButAcceptsTheDocument() {
        DocumentReader.Result r = readSteps("""
                - name: A
                  action: DeleteFile
                  inputs:
                    - path: /tmp/folder
                      force: true
                """);

        assertThat(r.valid()).isTrue();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.message()).isEqualTo("DeleteFile has no input 'force'; it is ignored");
            assertThat(p.field()).isEqualTo("inputs[0].force");
            assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 9, 13));
        });
    }

    @Test
    void suggestsTheInputMeantByAMisspelledOne() {
        DocumentReader.Result r = readSteps("""
                - name: A
                  action: ExecuteBash
                  inputs:
                    comands: [echo hi]
                """);

        assertThat(warnings(r)).containsExactly("ExecuteBash has no input 'comands'; it is ignored (did you mean commands?)");
        assertThat(errors(r)).containsExactly("ExecuteBash needs input 'commands'");
    }

    @Test
    void reportsEveryInputProblemOfAStep() {
        DocumentReader.Result r = readSteps("""
                - name: Files
                  action: CreateFile
                  inputs:
                    - path: /a
                      overwrite: maybe
                      encoding: ebcdic
                    - content: x
                      permissions: 999
                """);

        assertThat(r.errors()).as("in the order written, then the missing ones").extracting(Problem::field)
                .containsExactly("inputs[0].overwrite", "inputs[0].encoding", "inputs[1].permissions", "inputs[1].path");
    }
}
