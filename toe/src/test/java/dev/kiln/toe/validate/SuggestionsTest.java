package dev.kiln.toe.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> ACTIONS = List.of("AppendFile", "Assert", "ExecuteBash", "ExecuteBinary",
            "ExecuteDocument", "ExecutePowerShell", "Reboot", "UpdateOS");

    @Test
    void suggestsNearestActionName() {
        assertThat(Suggestions.didYouMean("ExecuteBsh", ACTIONS)).isEqualTo(" (did you mean ExecuteBash?)");
    }

    @Test
    void suggestsDespiteDifferentCase() {
        assertThat(Suggestions.didYouMean("executebash", ACTIONS)).isEqualTo(" (did you mean ExecuteBash?)");
        assertThat(Suggestions.didYouMean("abort", List.of("Abort", "Continue", "Ignore")))
                .isEqualTo(" (did you mean Abort?)");
    }

    @Test
    void countsSwappedLettersAsOneMistake() {
        assertThat(Suggestions.distance("reboot", "rebooot")).isEqualTo(1);
        assertThat(Suggestions.distance("ignroe", "ignore")).isEqualTo(1);
        assertThat(Suggestions.didYouMean("Ignroe", List.of("Abort", "Continue", "Ignore")))
                .isEqualTo(" (did you mean Ignore?)");
    }

    @Test
    void measuresEditDistance() {
        assertThat(Suggestions.distance("", "")).isZero();
        assertThat(Suggestions.distance("abc", "")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("stdot", "stdout")).isEqualTo(1);
    }

    @Test
    void suggestsNothingWhenNoCandidateIsClose() {
        assertThat(Suggestions.didYouMean("DownloadTheInternet", ACTIONS)).isEmpty();
        assertThat(Suggestions.didYouMean("xyz", List.of("Abort", "Continue", "Ignore"))).isEmpty();
    }

    @Test
    void suggestsNothingWithoutCandidates() {
        assertThat(Suggestions.didYouMean("anything", List.of())).isEmpty();
    }

    @Test
    void allowsOneMistakeInShortNames() {
        assertThat(Suggestions.didYouMean("tset", List.of("test"))).isEqualTo(" (did you mean test?)");
        assertThat(Suggestions.didYouMean("tst", List.of("test"))).isEqualTo(" (did you mean test?)");
        assertThat(Suggestions.didYouMean("tx", List.of("test"))).isEmpty();
    }

    @Test
    void allowsAtMostThreeMistakesInLongNames() {
        List<String> candidates = List.of("SetFolderPermissions");
        assertThat(Suggestions.didYouMean("SetFolderPermision", candidates)).isNotEmpty();
        assertThat(Suggestions.distance("stfoldrpermisions", "setfolderpermissions")).isEqualTo(3);
        assertThat(Suggestions.didYouMean("StFoldrPermisions", candidates)).isNotEmpty();
        assertThat(Suggestions.distance("stfoldrpermision", "setfolderpermissions")).isEqualTo(4);
        assertThat(Suggestions.didYouMean("StFoldrPermision", candidates)).isEmpty();
    }

    @Test
    void picksTheClosestOfSeveralCandidates() {
        assertThat(Suggestions.didYouMean("ExecuteBinar", ACTIONS)).isEqualTo(" (did you mean ExecuteBinary?)");
        assertThat(Suggestions.didYouMean("ExecuteDocumnt", ACTIONS)).isEqualTo(" (did you mean ExecuteDocument?)");
    }
}
