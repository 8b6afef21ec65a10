package dev.kiln.toe.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.toe.expr.Templates.UnresolvedReferenceException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplatesTest {

    @Test
    void findsAParameterReference() {
        assertThat(Templates.references("echo {{ Greeting }}"))
                .containsExactly(new Reference.Variable("{{ Greeting }}", "Greeting", "Greeting"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{Greeting}}", "{{ Greeting}}", "{{Greeting }}", "{{   Greeting   }}"})
    void trimsSpacesInsideTheBraces(String raw) {
        assertThat(Templates.references("x " + raw + " y"))
                .containsExactly(new Reference.Variable(raw, "Greeting", "Greeting"));
    }

    @Test
    void findsEveryReferenceInOrder() {
        List<Reference> refs = Templates.references("{{ A_1 }}-{{ b-2 }} and {{ loop.value }}");

        assertThat(refs).extracting(Reference::expression).containsExactly("A_1", "b-2", "loop.value");
    }

    @Test
    void readsAChainedInputWithIndex() {
        assertThat(Templates.references("{{ build.Download.inputs[1].destination }}")).containsExactly(
                new Reference.StepInput("{{ build.Download.inputs[1].destination }}",
                        "build.Download.inputs[1].destination", "build", "Download", 1, "destination"));
    }

    @Test
    void readsAChainedInputWithoutIndexAsMinusOne() {
        Reference r = Templates.references("{{build.Run.inputs.commands}}").get(0);

        assertThat(r).isEqualTo(new Reference.StepInput("{{build.Run.inputs.commands}}", "build.Run.inputs.commands",
                "build", "Run", -1, "commands"));
    }

    @Test
    void readsAChainedOutput() {
        assertThat(Templates.references("'{{ validate.Version.outputs.stdout }}'")).containsExactly(
                new Reference.StepOutput("{{ validate.Version.outputs.stdout }}", "validate.Version.outputs.stdout",
                        "validate", "Version", "stdout"));
    }

    @Test
    void readsLoopVariablesOfUnnamedAndNamedLoops() {
        assertThat(Templates.references("{{ loop.index }} {{ myLoop.value }}")).containsExactly(
                new Reference.LoopVariable("{{ loop.index }}", "loop.index", "loop", "index"),
                new Reference.LoopVariable("{{ myLoop.value }}", "myLoop.value", "myLoop", "value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"build.X.output.stdout", "build.X.outputs", "build.X.outputs[0].stdout",
            "build.X.inputs[a].path", "loop.val", "a.b.c.d.e", "build.X.inputs[0]", "loop."})
    void marksReferencesThatFitNoFormAsMalformed(String expression) {
        String raw = "{{ " + expression + " }}";

        assertThat(Templates.references("x " + raw)).containsExactly(new Reference.Malformed(raw, expression));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{.Names}}", "{{ .Config.Env }}", "{{ json .Config }}", "{{range $i := .}}",
            "{{ $x }}", "{{}}", "{{ }}", "{{ \"quoted\" }}", "{{ a b }}"})
    void leavesGoTemplatesAndOtherBracesAlone(String text) {
        assertThat(Templates.references("docker ps --format '" + text + "'")).isEmpty();
    }

    @Test
    void leavesTripleBracePlaceholdersAlone() {
        assertThat(Templates.references("FROM {{{ imagebuilder:parentImage }}}")).isEmpty();
    }

    @Test
    void leavesNamespacedVariablesForTheRunnerToResolve() {
        assertThat(Templates.references("{{ aws:ssm:/app/version }} {{ env:HOME }} {{ context:executionId }}"))
                .isEmpty();
    }

    @Test
    void findsNothingInPlainText() {
        assertThat(Templates.mayContain("echo hello")).isFalse();
        assertThat(Templates.references("echo hello")).isEmpty();
        assertThat(Templates.references("a { b } {c}")).isEmpty();
        assertThat(Templates.mayContain("{{")).isTrue();
    }

    @Test
    void resolvesEveryReference() throws Exception {
        String out = Templates.resolve("Hello {{ Name }}, from {{build.Step.outputs.stdout}}!",
                r -> r instanceof Reference.Variable ? "World" : "build");

        assertThat(out).isEqualTo("Hello World, from build!");
    }

    @Test
    void keepsReferencesTheResolverHasNoValueFor() throws Exception {
        assertThat(Templates.resolve("{{ loop.value }} and {{ X }}", r -> r.expression().equals("X") ? "x" : null))
                .isEqualTo("{{ loop.value }} and x");
    }

    @Test
    void leavesGoTemplatesUntouchedWithoutAskingTheResolver() throws Exception {
        List<Reference> asked = new ArrayList<>();

        String out = Templates.resolve("docker inspect -f '{{.State.Running}}' {{ Name }}", r -> {
            asked.add(r);
            return "web";
        });

        assertThat(out).isEqualTo("docker inspect -f '{{.State.Running}}' web");
        assertThat(asked).extracting(Reference::expression).containsExactly("Name");
    }

    @Test
    void insertsValuesLiterally() throws Exception {
        assertThat(Templates.resolve("p={{ P }}", r -> "C:\\dir\\$1 {{ X }}")).isEqualTo("p=C:\\dir\\$1 {{ X }}");
    }

    @Test
    void returnsStringsWithoutBracesAsTheyAre() throws Exception {
        String s = "no references here";

        assertThat(Templates.resolve(s, r -> {
            throw new AssertionError("not asked");
        })).isSameAs(s);
    }

    @Test
    void passesOnTheResolversFailure() {
        assertThatThrownBy(() -> Templates.resolve("{{ build.A.outputs.stdout }}", r -> {
            throw new UnresolvedReferenceException(r.raw() + " has no value");
        })).isInstanceOf(UnresolvedReferenceException.class)
                .hasMessage("{{ build.A.outputs.stdout }} has no value");
    }

    @Test
    void marksAnInputIndexTooLargeToReadAsMalformed() {
        assertThat(Templates.references("{{ build.A.inputs[99999999999].path }}")).singleElement()
                .isInstanceOf(Reference.Malformed.class);
        assertThat(Templates.references("{{ build.A.inputs[999999999].path }}")).singleElement()
                .isInstanceOf(Reference.StepInput.class);
    }
}
