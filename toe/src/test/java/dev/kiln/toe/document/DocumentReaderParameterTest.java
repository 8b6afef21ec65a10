package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneError;
import static dev.kiln.toe.document.Docs.read;
import static dev.kiln.toe.document.Docs.valid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parameters and constants. */
class DocumentReaderParameterTest {

    private static final String PHASES = """
            phases:
              - name: build
                steps:
                  - name: A
                    action: Reboot
            """;

    /** A document with these top-level sections (parameters, constants) and one trivial step. */
    private static String doc(String sections) {
        return "schemaVersion: 1.0\n" + sections + PHASES;
    }

    @Test
    void readsParametersWithEveryField() {
        ComponentDocument d = valid(doc("""
                parameters:
                  - Source:
                      type: string
                      default: 'https://awscli.amazonaws.com/AWSCLIV2.msi'
                      description: The AWS CLI installer source URL.
                  - Mode:
                      type: string
                      default: 'no'
                      allowedValues: ['no', 'yes']
                  - Required:
                      type: string
                """));

        assertThat(d.parameters()).containsExactly(
                new ParameterDefinition("Source", "string", "https://awscli.amazonaws.com/AWSCLIV2.msi",
                        "The AWS CLI installer source URL.", java.util.List.of()),
                new ParameterDefinition("Mode", "string", "no", null, java.util.List.of("no", "yes")),
                new ParameterDefinition("Required", "string", null, null, java.util.List.of()));
    }

    @Test
    void readsConstants() {
        ComponentDocument d = valid(doc("""
                constants:
                  - Hosts:
                      type: string
                      value: 127.0.0.1,amazon.com
                  - Count:
                      type: string
                      value: 1
                """));

        assertThat(d.constants()).containsExactly(new ConstantDefinition("Hosts", "string", "127.0.0.1,amazon.com"),
                new ConstantDefinition("Count", "string", "1"));
    }

    @Test
    void acceptsEmptySections() {
        ComponentDocument d = valid(doc("parameters:\nconstants:\n"));

        assertThat(d.parameters()).isEmpty();
        assertThat(d.constants()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"string", "String", "integer", "boolean", "stringList", "StringList"})
    void acceptsEveryParameterType(String type) {
        valid(doc("parameters:\n  - Value:\n      type: " + type + "\n"));
    }

    @Test
    void rejectsAnUnknownParameterTypeWithASuggestion() {
        Problem p = oneError(doc("parameters:\n  - Value:\n      type: strng\n"));

        assertThat(p.message()).isEqualTo("unknown parameter type 'strng', expected one of string, integer, boolean,"
                + " stringList (did you mean string?)");
        assertThat(p.field()).isEqualTo("parameters.Value.type");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 4, 13));
    }

    @Test
    void requiresAParameterType() {
        Problem p = oneError(doc("parameters:\n  - Value:\n      default: x\n"));

        assertThat(p.message()).isEqualTo("type is required");
        assertThat(p.field()).isEqualTo("parameters.Value.type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a_b", "A-1", "My_Parameter-2"})
    void acceptsNamesOfLettersDigitsUnderscoresAndDashes(String name) {
        valid(doc("parameters:\n  - " + name + ":\n      type: string\n"));
    }

    @Test
    void acceptsNamesOf128Characters() {
        valid(doc("parameters:\n  - " + "p".repeat(128) + ":\n      type: string\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "a.b.c", "with space", "dollar$", "caf\u00e9"})
    void rejectsNamesThatBreakTheRules(String name) {
        Problem p = oneError(doc("parameters:\n  - '" + name + "':\n      type: string\n"));

        assertThat(p.message()).isEqualTo("name '" + name + "' must be 3 to 128 letters, digits, '_' or '-'");
        assertThat(p.field()).isEqualTo("parameters");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 3, 5));
    }

    @Test
    void rejectsNamesLongerThan128Characters() {
        assertThat(oneError(doc("parameters:\n  - " + "p".repeat(129) + ":\n      type: string\n")).message())
                .contains("must be 3 to 128");
    }

    @Test
    void rejectsAConstantNameThatBreaksTheRules() {
        assertThat(oneError(doc("constants:\n  - x:\n      type: string\n      value: v\n")).message())
                .isEqualTo("name 'x' must be 3 to 128 letters, digits, '_' or '-'");
    }

    @Test
    void rejectsAParameterDefinedTwice() {
        Problem p = oneError(doc("""
                parameters:
                  - Value:
                      type: string
                  - Value:
                      type: string
                """));

        assertThat(p.message()).isEqualTo("'Value' is defined twice (names are unique across parameters and constants)");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 5, 5));
    }

    @Test
    void rejectsAConstantWithTheNameOfAParameter() {
        Problem p = oneError(doc("""
                parameters:
                  - Value:
                      type: string
                constants:
                  - Value:
                      type: string
                      value: x
                """));

        assertThat(p.message()).startsWith("'Value' is defined twice");
        assertThat(p.field()).isEqualTo("constants");
    }

    @Test
    void treatsNamesThatDifferInCaseAsDifferent() {
        valid(doc("""
                parameters:
                  - value:
                      type: string
                constants:
                  - Value:
                      type: string
                      value: x
                """));
    }

    @Test
    void rejectsADefaultOutsideAllowedValues() {
        Problem p = oneError(doc("""
                parameters:
                  - Mode:
                      type: string
                      default: maybe
                      allowedValues: ['no', 'yes']
                """));

        assertThat(p.message()).isEqualTo("default 'maybe' is not one of allowedValues [no, yes]");
        assertThat(p.field()).isEqualTo("parameters.Mode.default");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 5, 16));
    }

    @Test
    void rejectsAllowedValuesThatAreNoList() {
        assertThat(oneError(doc("""
                parameters:
                  - Mode:
                      type: string
                      allowedValues: yes
                """)).message()).isEqualTo("allowedValues must be a list of values");
    }

    @Test
    void rejectsADefaultThatIsNoSingleValue() {
        assertThat(oneError(doc("""
                parameters:
                  - Mode:
                      type: string
                      default: [a, b]
                """)).message()).isEqualTo("default must be a single value, not a list");
    }

    @Test
    void acceptsDefaultsOfTheirType() {
        valid(doc("""
                parameters:
                  - Count:
                      type: integer
                      default: 3
                  - Negative:
                      type: integer
                      default: '-3'
                  - Enabled:
                      type: boolean
                      default: true
                  - Disabled:
                      type: Boolean
                      default: 'False'
                """));
    }

    @Test
    void rejectsAnIntegerParameterWhoseDefaultIsNoInteger() {
        Problem p = oneError(doc("""
                parameters:
                  - Count:
                      type: integer
                      default: lots
                """));

        assertThat(p.message()).isEqualTo("the default of integer parameter 'Count' must be an integer, not 'lots'");
        assertThat(p.field()).isEqualTo("parameters.Count.default");
    }

    @Test
    void rejectsABooleanParameterWhoseDefaultIsNoBoolean() {
        assertThat(oneError(doc("""
                parameters:
                  - Enabled:
                      type: boolean
                      default: yes
                """)).message()).isEqualTo("the default of boolean parameter 'Enabled' must be true or false, not 'yes'");
    }

    @Test
    void rejectsAnUnknownParameterFieldWithASuggestion() {
        Problem p = oneError(doc("""
                parameters:
                  - Mode:
                      type: string
                      defualt: x
                """));

        assertThat(p.message()).isEqualTo("unknown field of parameter 'Mode' 'defualt' (did you mean default?)");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 5, 7));
    }

    @Test
    void rejectsParametersWrittenAsAMapping() {
        Problem p = oneError(doc("""
                parameters:
                  Mode:
                    type: string
                """));

        assertThat(p.message()).isEqualTo("parameters must be a list such as '- Name: {type: string}', not a mapping");
    }

    @Test
    void rejectsAParameterEntryWithTwoNames() {
        assertThat(oneError(doc("""
                parameters:
                  - Mode:
                      type: string
                    Other:
                      type: string
                """)).message()).isEqualTo(
                "each entry of parameters is one name mapped to its fields, e.g. '- MyName: {type: string}'");
    }

    @Test
    void rejectsAParameterWithoutFields() {
        Problem p = oneError(doc("parameters:\n  - Mode: string\n"));

        assertThat(p.message()).isEqualTo("expected the fields of 'Mode', not a string");
        assertThat(p.field()).isEqualTo("parameters.Mode");
    }

    @Test
    void requiresTheTypeAndValueOfAConstant() {
        assertThat(errors(read(doc("constants:\n  - Hosts:\n      description: x\n")))).containsExactly(
                "unknown field of constant 'Hosts' 'description'", "type is required", "value is required");
    }

    @Test
    void rejectsAConstantThatIsNoString() {
        Problem p = oneError(doc("constants:\n  - Hosts:\n      type: integer\n      value: 1\n"));

        assertThat(p.message()).isEqualTo("constants are of type string, not 'integer'");
        assertThat(p.field()).isEqualTo("constants.Hosts.type");
    }

    @Test
    void rejectsADefaultOnAConstant() {
        assertThat(oneError(doc("constants:\n  - Hosts:\n      type: string\n      value: a\n      default: b\n"))
                .message()).isEqualTo("unknown field of constant 'Hosts' 'default'");
    }

    @Test
    void reportsEveryBadParameter() {
        assertThat(read(doc("""
                parameters:
                  - ab:
                      type: string
                  - Good:
                      type: nope
                  - Good:
                      type: string
                """)).errors()).extracting(Problem::field)
                .containsExactly("parameters", "parameters", "parameters.Good.type");
    }
}
