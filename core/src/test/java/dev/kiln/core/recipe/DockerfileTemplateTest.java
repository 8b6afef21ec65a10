package dev.kiln.core.recipe;

import static dev.kiln.core.recipe.RecipeWorld.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

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
        assertApiError(() -> DockerfileTemplate.check("FROM debian:12\n{{{ imagebuilder:components }}}", "member"),
                ErrorType.InvalidParameterValueException)
                .hasMessageStartingWith("member: ")
                .hasMessageContaining("FROM {{{ imagebuilder:parentImage }}}");
    }

    @Test
    void unknownVariablesAreRefusedWithASuggestionAllAtOnce() {
        assertApiError(() -> DockerfileTemplate.check("FROM {{{ imagebuilder:parentimage }}}\n"
                        + "{{{ imagebuilder:environment }}}\n{{{ imagebuilder:workingDirectory }}}", "t"),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("imagebuilder:parentimage }}} is not a variable")
                .hasMessageContaining("did you mean imagebuilder:parentImage?")
                .hasMessageContaining("did you mean imagebuilder:environments?")
                .hasMessageContaining("imagebuilder:workingDirectory }}} is not a variable")
                .hasMessageContaining("must build FROM");
    }
}
