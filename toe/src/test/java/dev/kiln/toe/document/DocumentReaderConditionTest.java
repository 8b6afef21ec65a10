package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneStepError;
import static dev.kiln.toe.document.Docs.readSteps;
import static dev.kiln.toe.document.Docs.valid;
import static dev.kiln.toe.document.Docs.validSteps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A step's {@code if}, as the document reader checks it. */
class DocumentReaderConditionTest {

    private static String step(String condition) {
        return "- name: Maybe\n  action: ExecuteBash\n  if:\n" + condition.indent(4)
                + "  inputs:\n    commands: [echo hi]\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"stringEquals", "stringLessThan", "stringLessThanEquals", "stringGreaterThan",
            "stringGreaterThanEquals", "patternMatches", "numberEquals", "numberLessThan", "numberLessThanEquals",
            "numberGreaterThan", "numberGreaterThanEquals"})
    void acceptsEveryComparisonOperator(String op) {
        validSteps(step(op + ": '2'\nvalue: '3'\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stringIsEmpty: ''", "stringIsWhitespace: ' '", "binaryExists: apt-get",
            "fileExists: /etc/my_config", "folderExists: /etc", "fileMD5Equals: abc\npath: /f",
            "fileSHA1Equals: abc\npath: /f", "fileSHA256Equals: abc\npath: /f", "fileSHA512Equals: abc\npath: /f"})
    void acceptsEveryOtherOperator(String expression) {
        validSteps(step(expression + "\n"));
    }

    @Test
    void keepsTheConditionForTheRunner() {
        YNode condition = validSteps(step("fileExists: '/etc/my_config'\nthen: Skip\nelse: Execute\n"))
                .phases().get(0).steps().get(0).condition();

        assertThat(YNode.toPlain(condition)).isEqualTo(java.util.Map.of("fileExists", "/etc/my_config",
                "then", "Skip", "else", "Execute"));
    }

    @Test
    void acceptsTheDocumentationsExample() {
        validSteps("""
                - name: InstallUnzipAptGet
                  action: ExecuteBash
                  if:
                    and:
                      - binaryExists: 'apt-get'
                      - not:
                          binaryExists: 'unzip'
                  inputs:
                    commands:
                      - sudo apt-get update
                      - sudo apt-get install -y unzip
                """);
    }

    @Test
    void acceptsTheListForm() {
        validSteps(step("- stringEquals: a\n  value: a\n  then: Execute\n  else: Abort\n"));
    }

    @Test
    void rejectsAnUnknownOperatorWithASuggestion() {
        Problem p = oneStepError(step("fileExist: /etc/x\n"));

        assertThat(p).hasToString("doc.yaml:8:11: error: phase 'build', step 'Maybe', field 'if':"
                + " unknown operator 'fileExist' (did you mean fileExists?)");
    }

    @Test
    void rejectsTwoOperatorsInOneMapping() {
        assertThat(oneStepError(step("binaryExists: a\nfileExists: /b\n")).message())
                .isEqualTo("one operator per expression, found binaryExists, fileExists; combine several with and/or");
    }

    @Test
    void rejectsAnUnknownThenWithASuggestion() {
        Problem p = oneStepError(step("binaryExists: a\nthen: Execut\n"));

        assertThat(p.message()).isEqualTo("'Execut' is not Abort, Execute or Skip (did you mean Execute?)");
        assertThat(p.field()).isEqualTo("if.then");
    }

    @Test
    void rejectsAnUnknownElse() {
        assertThat(oneStepError(step("binaryExists: a\nelse: Continue\n")).message())
                .isEqualTo("'Continue' is not Abort, Execute or Skip");
    }

    @Test
    void acceptsFourLevelsOfNesting() {
        validSteps(step("""
                or:
                  - and:
                      - not:
                          or:
                            - binaryExists: a
                            - fileExists: /b
                  - stringIsEmpty: ''
                """));
    }

    @Test
    void rejectsNestingDeeperThanFourLevels() {
        Problem p = oneStepError(step("""
                or:
                  - and:
                      - not:
                          or:
                            - and:
                                - binaryExists: a
                """));

        assertThat(p.message()).isEqualTo("logical operators nest at most 4 levels deep");
        assertThat(p.field()).isEqualTo("if.or[0].and[0].not.or[0].and");
        assertThat(p.step()).isEqualTo("Maybe");
    }

    @Test
    void rejectsPatternMatchesWithABadRegex() {
        Problem p = oneStepError(step("patternMatches: '(unclosed'\nvalue: x\n"));

        assertThat(p.message()).startsWith("not a valid regular expression: ");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 8, 27));
    }

    @Test
    void rejectsANumberOperatorWithAWordForBaseline() {
        assertThat(oneStepError(step("numberGreaterThan: many\nvalue: '3'\n")).message())
                .isEqualTo("'many' is not a number");
    }

    @Test
    void checksReferencesInTheCondition() {
        assertThat(oneStepError(step("stringEquals: a\nvalue: '{{ Mode }}'\n")).message())
                .isEqualTo("{{ Mode }}: no parameter or constant named 'Mode'");
    }

    @Test
    void acceptsAConditionOnAnEarlierStepsOutput() {
        valid("""
                schemaVersion: 1.0
                parameters:
                  - Target:
                      type: string
                      default: s3
                phases:
                  - name: build
                    steps:
                      - name: CheckRecipeType
                        action: ExecuteBash
                        inputs:
                          commands: [echo s3]
                      - name: Upload
                        action: ExecuteBash
                        if:
                          value: '{{ build.CheckRecipeType.outputs.stdout }}'
                          stringEquals: '{{ Target }}'
                        inputs:
                          commands: [echo upload]
                """);
    }

    @Test
    void rejectsAnIfThatIsAString() {
        assertThat(oneStepError("- name: A\n  action: Reboot\n  if: 'true'\n").message())
                .isEqualTo("'if' must be a mapping such as {stringEquals: 'x', value: '{{ ... }}'}, not a string");
    }

    @Test
    void reportsEveryProblemOfACondition() {
        DocumentReader.Result r = readSteps(step("""
                and:
                  - stringEqual: a
                    value: a
                  - numberEquals: x
                    value: '1'
                then: Skp
                """));

        assertThat(errors(r)).containsExactly("'Skp' is not Abort, Execute or Skip (did you mean Skip?)",
                "unknown operator 'stringEqual' (did you mean stringEquals?)", "'x' is not a number");
    }
}
