package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ErrorType;
import org.junit.jupiter.api.Test;

class DockerfileTemplateTest {

    @Test
    void variablesAreFoundWithOrWithoutSpacesInOrderOfFirstUse() {
        assertThat(DockerfileTemplate.variables(RecipeWorld.TEMPLATE))
                .containsExactly("parentImage", "environments", "components");
        assertThat(DockerfileTemplate.variables("FROM {{{imagebuilder:parentImage}}}\nRUN x\n"
                + "{{{   imagebuilder:components   }}}\n{{{ imagebuilder:parentImage }}}"))
                .containsExactly("parentImage", "components");
        assertThat(DockerfileTemplate.variables("FROM debian\nRUN echo '{{ not.ours }}'")).isEmpty();
    }

    @Test
    void theCanonicalTemplateAndOnesWithoutComponentsAreAccepted() {
        DockerfileTemplate.check(RecipeWorld.TEMPLATE, "dockerfileTemplateData");
        DockerfileTemplate.check("FROM {{{ imagebuilder:parentImage }}}\nRUN apt-get update\n", "t");
    }

    @Test
    void aTemplateMustNameTheParentImage() {
        assertError(() -> DockerfileTemplate.check("FROM debian:12\n{{{ imagebuilder:components }}}", "member"),
                ErrorType.InvalidParameterValueException)
                .hasMessageStartingWith("member: ")
                .hasMessageContaining("FROM {{{ imagebuilder:parentImage }}}");
    }

    @Test
    void unknownVariablesAreRefusedWithASuggestionAllAtOnce() {
        assertError(() -> DockerfileTemplate.check("FROM {{{ imagebuilder:parentimage }}}\n"
                        + "{{{ imagebuilder:environment }}}\n{{{ imagebuilder:workingDirectory }}}", "t"),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("imagebuilder:parentimage }}} is not a variable")
                .hasMessageContaining("did you mean imagebuilder:parentImage?")
                .hasMessageContaining("did you mean imagebuilder:environments?")
                .hasMessageContaining("imagebuilder:workingDirectory }}} is not a variable")
                .hasMessageContaining("must build FROM");
    }

    @Test
    void renderingSplitsWhereTheComponentsRunAndExpandsTheParent() {
        DockerfileTemplate.Rendered r = DockerfileTemplate.render("FROM {{{ imagebuilder:parentImage }}} AS base\n"
                + "{{{ imagebuilder:environments }}}\nENV A=1\n  {{{imagebuilder:components}}}  \nCMD [\"bash\"]\n",
                "127.0.0.1:5001/kiln/debian:1");
        assertThat(r.before()).isEqualTo("FROM 127.0.0.1:5001/kiln/debian:1 AS base\n\nENV A=1\n");
        assertThat(r.after()).isEqualTo("CMD [\"bash\"]\n\n");
        assertThat(r.afterFirstLine()).isEqualTo(5);
        assertThat(r.namesComponents()).isTrue();
        assertThat(r.hasInstructionsAfter()).isTrue();
    }

    @Test
    void aTemplateWithoutComponentsIsAllBeforeAndNothingAfter() {
        DockerfileTemplate.Rendered r = DockerfileTemplate.render("FROM {{{ imagebuilder:parentImage }}}\nRUN x",
                "p");
        assertThat(r.before()).isEqualTo("FROM p\nRUN x\n");
        assertThat(r.namesComponents()).isFalse();
        assertThat(r.hasInstructionsAfter()).isFalse();
        assertThat(DockerfileTemplate.render("FROM {{{ imagebuilder:parentImage }}}\n"
                + "{{{ imagebuilder:components }}}\n# only a comment\n\n", "p").hasInstructionsAfter()).isFalse();
    }

    @Test
    void renderingNamesTheLineOfAMisplacedOrRepeatedComponentsVariable() {
        assertThatThrownBy(() -> DockerfileTemplate.render("FROM {{{ imagebuilder:parentImage }}}\n"
                + "RUN x {{{ imagebuilder:components }}}", "p"))
                .hasMessageContaining("line 2").hasMessageContaining("alone on its line");
        assertThatThrownBy(() -> DockerfileTemplate.render("FROM {{{ imagebuilder:parentImage }}}\n"
                + "{{{ imagebuilder:components }}}\n{{{ imagebuilder:components }}}", "p"))
                .hasMessageContaining("line 3").hasMessageContaining("second time");
        assertThatThrownBy(() -> DockerfileTemplate.render("FROM {{{ imagebuilder:parent }}}", "p"))
                .hasMessageContaining("line 1").hasMessageContaining("imagebuilder:parent ");
    }
}
