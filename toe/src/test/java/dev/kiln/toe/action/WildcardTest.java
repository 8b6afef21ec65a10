package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WildcardTest {
    @Test
    void starMatchesAnyRunOfCharactersIncludingNone() {
        Wildcard w = Wildcard.of("app*.log");

        assertThat(w.matches("app.log")).isTrue();
        assertThat(w.matches("app-2024.log")).isTrue();
        assertThat(w.matches("app.log.1")).isFalse();
        assertThat(w.matches("myapp.log")).isFalse();
    }

    @Test
    void everythingElseIsLiteral() {
        Wildcard w = Wildcard.of("a.[1]?+");

        assertThat(w.matches("a.[1]?+")).isTrue();
        assertThat(w.matches("ab[1]x+")).isFalse();
    }

    @Test
    void aPatternWithoutStarMatchesOnlyItself() {
        assertThat(Wildcard.of("a.txt").matches("a.txt")).isTrue();
        assertThat(Wildcard.of("a.txt").matches("A.txt")).isFalse();
    }
}
