package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.arn.SemanticVersion;
import dev.kiln.core.error.ErrorType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecipeVersionsTest {
    private static final List<SemanticVersion> EXISTING = List.of(v("1.0.0"), v("1.0.3"), v("1.2.5"), v("1.4.0"),
            v("2.0.7"));

    private static SemanticVersion v(String text) {
        return SemanticVersion.parse(text).orElseThrow();
    }

    @ParameterizedTest(name = "{0} with 1.0.0, 1.0.3, 1.2.5, 1.4.0, 2.0.7 gives {1}")
    @CsvSource({
        "1.0.x, 1.0.4",
        "1.2.x, 1.2.6",
        "1.3.x, 1.3.0",
        "1.x.x, 1.5.0",
        "x.x.x, 3.0.0",
        "2.x.x, 2.1.0",
        "7.x.x, 7.0.0",
        "1.x.0, 1.5.0",
        "1.x.5, 1.3.5",
        "x.0.7, 3.0.7",
        "x.9.9, 0.9.9",
        "1.0.9, 1.0.9"})
    void theFirstXBecomesOneMoreThanTheNewestMatchAndLaterXsZero(String request, String expected) {
        assertThat(RecipeVersions.parse(request).choose(EXISTING)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"x.x.x, 0.0.0", "1.x.x, 1.0.0", "1.0.x, 1.0.0", "x.2.x, 0.2.0"})
    void withNothingMatchingXNodesStartAtZero(String request, String expected) {
        assertThat(RecipeVersions.parse(request).choose(List.of())).isEqualTo(expected);
    }

    @Test
    void aPlainVersionKeepsItsTextAndIsNotAutomatic() {
        RecipeVersions.Request plain = RecipeVersions.parse("2019.12.03");
        assertThat(plain.isAuto()).isFalse();
        assertThat(plain.choose(EXISTING)).isEqualTo("2019.12.03");
        assertThat(RecipeVersions.parse("1.0.x").isAuto()).isTrue();
        assertThat(RecipeVersions.parse("1.0.x")).hasToString("1.0.x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.0", "1.0.0.0", "1.0.-1", "1.X.0", "v1.0.0", "1.0.1073741824", "1..0", "1.0.0 "})
    void malformedVersionsAreInvalidVersionNumbers(String text) {
        assertError(() -> RecipeVersions.parse(text), ErrorType.InvalidVersionNumberException)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void aNodeAtItsLimitLeavesNoVersionToTake() {
        List<SemanticVersion> full = List.of(new SemanticVersion(1, 0, SemanticVersion.MAX_NODE));
        assertError(() -> RecipeVersions.parse("1.0.x").choose(full), ErrorType.InvalidVersionNumberException,
                "no version is left");
    }
}
