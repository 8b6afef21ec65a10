package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViolationsTest {
    @Test
    void violationIsWordedAsAwsWordsIt() {
        Violations v = new Violations();
        v.add("name", (com.fasterxml.jackson.databind.JsonNode) null, "Member must not be null");
        v.add("maxResults", IntNode.valueOf(0), "Member must have value greater than or equal to 1");
        assertThat(v.list()).containsExactly(
                "Value null at 'name' failed to satisfy constraint: Member must not be null",
                "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }

    @Test
    void messageCountsAndJoinsWithSemicolons() {
        assertThat(Violations.message(List.of("a"))).isEqualTo("1 validation error detected: a");
        assertThat(Violations.message(List.of("a", "b"))).isEqualTo("2 validation errors detected: a; b");
    }

    @Test
    void messageListsAtMostAHundred() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            many.add("v" + i);
        }
        String message = Violations.message(many);
        assertThat(message).startsWith("250 validation errors detected: v0; v1;").contains("v99; and 150 more")
                .doesNotContain("v100");
    }

    @Test
    void valuesAreRenderedQuotedOrNull() {
        assertThat(Violations.render(null)).isEqualTo("null");
        assertThat(Violations.render(NullNode.getInstance())).isEqualTo("null");
        assertThat(Violations.render(TextNode.valueOf("x"))).isEqualTo("'x'");
        assertThat(Violations.render(IntNode.valueOf(5))).isEqualTo("'5'");
        assertThat(Violations.render(TestModels.json("{'a': [1]}"))).isEqualTo("'{\"a\":[1]}'");
    }

    @Test
    void longValuesAreCutWithoutSplittingASurrogatePair() {
        assertThat(Violations.shorten("a".repeat(100))).isEqualTo("a".repeat(100));
        assertThat(Violations.shorten("a".repeat(101))).isEqualTo("a".repeat(100) + "...");
        String emoji = "a".repeat(99) + "\uD83D\uDD25" + "b";
        assertThat(Violations.shorten(emoji)).isEqualTo("a".repeat(99) + "...");
    }

    @Test
    void pathsJoinMembersAndIndexes() {
        assertThat(Violations.child("", "components")).isEqualTo("components");
        assertThat(Violations.child(Violations.index("components", 0), "parameters")).isEqualTo("components[0].parameters");
    }

    @Test
    void becomesOneApiExceptionOfTheGivenType() {
        Violations v = new Violations();
        v.add("owner", "Me", "Member must satisfy enum value set: [Self]");
        ApiException e = v.toException(ErrorType.InvalidRequestException);
        assertThat(e.type()).isEqualTo(ErrorType.InvalidRequestException);
        assertThat(e.getMessage()).isEqualTo(
                "1 validation error detected: Value 'Me' at 'owner' failed to satisfy constraint: Member must satisfy enum value set: [Self]");
    }
}
