package dev.kiln.toe.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.toe.yaml.YNode.Entry;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YNodeTest {

    private static YScalar plain(String text) {
        return new YScalar(Mark.UNKNOWN, text, true);
    }

    private static YScalar quoted(String text) {
        return new YScalar(Mark.UNKNOWN, text, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "null", "Null", "NULL"})
    void plainNullSpellingsAreNull(String text) {
        assertThat(plain(text).isNull()).isTrue();
        assertThat(plain(text).kind()).isEqualTo("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "~", "null"})
    void quotedNullSpellingsAreStrings(String text) {
        assertThat(quoted(text).isNull()).isFalse();
        assertThat(quoted(text).kind()).isEqualTo("a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "True", "TRUE"})
    void readsCoreSchemaTrue(String text) {
        assertThat(plain(text).asBoolean()).contains(true);
        assertThat(plain(text).kind()).isEqualTo("a boolean");
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "FALSE"})
    void readsCoreSchemaFalse(String text) {
        assertThat(plain(text).asBoolean()).contains(false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "y", "n", "tRUE"})
    void yaml11BooleanWordsAreNotBooleans(String text) {
        assertThat(plain(text).asBoolean()).isEmpty();
        assertThat(plain(text).kind()).isEqualTo("a string");
    }

    @Test
    void readsCoreSchemaIntegers() {
        assertThat(plain("42").asLong()).contains(42L);
        assertThat(plain("-7").asLong()).contains(-7L);
        assertThat(plain("+3").asLong()).contains(3L);
        assertThat(plain("0o17").asLong()).contains(15L);
        assertThat(plain("0x1F").asLong()).contains(31L);
        assertThat(plain("42").kind()).isEqualTo("an integer");
    }

    @Test
    void readsLeadingZeroAsDecimalLikeYaml12Core() {
        assertThat(plain("0700").asLong()).contains(700L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "abc", "0o9", "0xZZ", "99999999999999999999", "1_000", ""})
    void rejectsWhatIsNotAnInteger(String text) {
        assertThat(plain(text).asLong()).isEmpty();
    }

    @Test
    void quotedNumbersAreStrings() {
        assertThat(quoted("42").kind()).isEqualTo("a string");
        assertThat(quoted("true").kind()).isEqualTo("a string");
    }

    @Test
    void mappingFindsEntriesByKey() {
        YScalar key = plain("name");
        YMap map = new YMap(Mark.UNKNOWN, List.of(new Entry(key, plain("x")), new Entry(plain("other"), plain("y"))));

        assertThat(map.entry("name")).map(Entry::key).contains(key);
        assertThat(map.get("other")).map(n -> ((YScalar) n).text()).contains("y");
        assertThat(map.get("missing")).isEmpty();
        assertThat(map.keys()).containsExactly("name", "other");
        assertThat(map.kind()).isEqualTo("a mapping");
    }

    @Test
    void collectionsCopyTheirItems() {
        List<YNode> items = new ArrayList<>(List.of(plain("a")));
        YList list = new YList(Mark.UNKNOWN, items);
        items.add(plain("b"));

        assertThat(list.items()).hasSize(1);
        assertThat(list.kind()).isEqualTo("a list");
        assertThatThrownBy(() -> list.items().add(plain("c"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void convertsPlainValuesToNodesAndBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "demo");
        value.put("list", List.of("a", "b"));
        value.put("nothing", null);
        value.put("nested", Map.of("k", "v"));

        YNode node = YNode.fromPlain(value);

        assertThat(node).isInstanceOf(YMap.class);
        assertThat(((YMap) node).keys()).containsExactly("name", "list", "nothing", "nested");
        assertThat(YNode.toPlain(node)).isEqualTo(value);
    }

    @Test
    void fromPlainKeepsStringsAsStrings() {
        YScalar s = (YScalar) YNode.fromPlain("true");

        assertThat(s.plain()).isFalse();
        assertThat(s.kind()).isEqualTo("a string");
        assertThat(((YScalar) YNode.fromPlain(null)).isNull()).isTrue();
    }

    @Test
    void toPlainReadsLoadedDocuments() throws Exception {
        YNode node = YamlLoader.load("f", """
                a: [1, '2', ~]
                b: {c: yes}
                """);

        Map<String, Object> expected = new LinkedHashMap<>();
        List<Object> a = new ArrayList<>();
        a.add("1");
        a.add("2");
        a.add(null);
        expected.put("a", a);
        expected.put("b", Map.of("c", "yes"));
        assertThat(YNode.toPlain(node)).isEqualTo(expected);
    }
}
