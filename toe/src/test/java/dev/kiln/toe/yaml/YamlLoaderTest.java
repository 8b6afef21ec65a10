package dev.kiln.toe.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class YamlLoaderTest {

    private static YNode load(String text) throws YamlException {
        return YamlLoader.load("doc.yaml", text);
    }

    private static YScalar scalar(YNode map, String key) {
        return (YScalar) ((YMap) map).get(key).orElseThrow();
    }

    private static YamlException failure(String text) {
        try {
            YamlLoader.load("doc.yaml", text);
        } catch (YamlException e) {
            return e;
        }
        throw new AssertionError("expected a YamlException for:\n" + text);
    }

    @Test
    void readsMappingsListsAndScalarsInDocumentOrder() throws Exception {
        YNode root = load("""
                zeta: 1
                alpha:
                  - one
                  - two
                middle: {x: y}
                """);

        YMap map = (YMap) root;
        assertThat(map.keys()).containsExactly("zeta", "alpha", "middle");
        YList list = (YList) map.get("alpha").orElseThrow();
        assertThat(list.items()).extracting(n -> ((YScalar) n).text()).containsExactly("one", "two");
        assertThat(scalar(map.get("middle").orElseThrow(), "x").text()).isEqualTo("y");
    }

    @Test
    void keepsOneBasedLineAndColumnOfEveryValue() throws Exception {
        YNode root = load("""
                name: demo
                phases:
                  - name: build
                    steps: []
                """);

        YMap map = (YMap) root;
        assertThat(map.mark()).isEqualTo(new Mark("doc.yaml", 1, 1));
        assertThat(map.entry("name").orElseThrow().key().mark()).isEqualTo(new Mark("doc.yaml", 1, 1));
        assertThat(scalar(map, "name").mark()).isEqualTo(new Mark("doc.yaml", 1, 7));
        YList phases = (YList) map.get("phases").orElseThrow();
        assertThat(phases.mark()).isEqualTo(new Mark("doc.yaml", 3, 3));
        YMap phase = (YMap) phases.items().get(0);
        assertThat(phase.mark()).isEqualTo(new Mark("doc.yaml", 3, 5));
        assertThat(scalar(phase, "name").mark()).isEqualTo(new Mark("doc.yaml", 3, 11));
        assertThat(phase.get("steps").orElseThrow().mark()).isEqualTo(new Mark("doc.yaml", 4, 12));
    }

    @Test
    void keepsYesNoOnOffAsStringsAsYaml12Does() throws Exception {
        YNode root = load("""
                a: yes
                b: no
                on: off
                y: Y
                """);

        YMap map = (YMap) root;
        assertThat(map.keys()).containsExactly("a", "b", "on", "y");
        for (String key : map.keys()) {
            YScalar s = scalar(map, key);
            assertThat(s.asBoolean()).as(key).isEmpty();
            assertThat(s.kind()).as(key).isEqualTo("a string");
        }
        assertThat(scalar(map, "a").text()).isEqualTo("yes");
        assertThat(scalar(map, "on").text()).isEqualTo("off");
    }

    @Test
    void keepsOctalLookingScalarExactlyAsWritten() throws Exception {
        YNode root = load("""
                permissions: 0700
                quoted: '0700'
                version: 1.0
                """);

        YScalar permissions = scalar(root, "permissions");
        assertThat(permissions.text()).isEqualTo("0700");
        assertThat(permissions.plain()).isTrue();
        assertThat(scalar(root, "quoted").text()).isEqualTo("0700");
        assertThat(scalar(root, "quoted").plain()).isFalse();
        assertThat(scalar(root, "version").text()).isEqualTo("1.0");
    }

    @Test
    void marksQuotedAndBlockScalarsAsNotPlain() throws Exception {
        YNode root = load("""
                single: 'true'
                double: "42"
                block: |
                  line one
                  line two
                folded: >
                  a
                  b
                plain: true
                """);

        assertThat(scalar(root, "single").plain()).isFalse();
        assertThat(scalar(root, "single").kind()).isEqualTo("a string");
        assertThat(scalar(root, "double").kind()).isEqualTo("a string");
        assertThat(scalar(root, "block").text()).isEqualTo("line one\nline two\n");
        assertThat(scalar(root, "block").plain()).isFalse();
        assertThat(scalar(root, "folded").text()).isEqualTo("a b\n");
        assertThat(scalar(root, "plain").kind()).isEqualTo("a boolean");
    }

    @Test
    void readsJsonBecauseJsonIsYaml() throws Exception {
        YNode root = load("{\"schemaVersion\": 1.0, \"phases\": [{\"name\": \"build\"}]}");

        assertThat(((YMap) root).keys()).containsExactly("schemaVersion", "phases");
        assertThat(scalar(root, "schemaVersion").text()).isEqualTo("1.0");
    }

    @Test
    void resolvesAliasesToTheAnchoredValue() throws Exception {
        YNode root = load("""
                base: &shared
                  type: string
                copy: *shared
                word: &w hello
                again: *w
                """);

        YMap copy = (YMap) ((YMap) root).get("copy").orElseThrow();
        assertThat(scalar(copy, "type").text()).isEqualTo("string");
        assertThat(scalar(root, "again").text()).isEqualTo("hello");
    }

    @Test
    void stripsLeadingByteOrderMark() throws Exception {
        YNode root = load("\uFEFFa: 1\n");

        assertThat(((YMap) root).keys()).containsExactly("a");
        assertThat(root.mark()).isEqualTo(new Mark("doc.yaml", 1, 1));
    }

    @Test
    void acceptsExplicitStartAndEndMarkersOfOneDocument() throws Exception {
        YNode root = load("""
                %YAML 1.2
                ---
                a: 1
                ...
                """);

        assertThat(((YMap) root).keys()).containsExactly("a");
    }

    @Test
    void rejectsTextThatIsNotYamlWithItsPosition() {
        YamlException e = failure("""
                phases: [build,
                """);

        assertThat(e.getMessage()).startsWith("not valid YAML: ");
        assertThat(e.mark().file()).isEqualTo("doc.yaml");
        assertThat(e.mark().line()).isEqualTo(2);
    }

    @Test
    void rejectsTabIndentation() {
        YamlException e = failure("a:\n\tb: 1\n");

        assertThat(e.getMessage()).startsWith("not valid YAML: ").contains("TAB");
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 2, 1));
    }

    @Test
    void rejectsBinaryInputNamingTheCharacterAndWhereItIs() {
        YamlException e = failure("a: 1\nb: \"x\u0001y\"\n");

        assertThat(e.getMessage()).isEqualTo("not valid YAML: special character U+0001 is not allowed");
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 2, 6));
    }

    @Test
    void countsColumnsInCharactersNotBytesOrUtf16Units() {
        YamlException e = failure("a: caf\u00e9 \uD83D\uDE00 \u0007\n");

        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 1, 11));
    }

    @Test
    void rejectsASecondYamlDocument() {
        YamlException e = failure("""
                schemaVersion: 1.0
                ---
                phases: []
                """);

        assertThat(e.getMessage()).isEqualTo(
                "a component file holds exactly one YAML document; found a second one (---)");
        assertThat(e.mark().line()).isEqualTo(2);
    }

    @Test
    void rejectsDuplicateKeysAtTheSecondOne() {
        YamlException e = failure("""
                schemaVersion: 1.0
                name: a
                schemaVersion: 1.0
                """);

        assertThat(e.getMessage()).isEqualTo("duplicate key 'schemaVersion'");
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 3, 1));
    }

    @Test
    void rejectsDuplicateKeysInNestedMappings() {
        YamlException e = failure("""
                steps:
                  - name: a
                    name: b
                """);

        assertThat(e.getMessage()).isEqualTo("duplicate key 'name'");
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 3, 5));
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThat(failure("").getMessage()).isEqualTo("the document is empty");
        assertThat(failure("# only a comment\n\n").getMessage()).isEqualTo("the document is empty");
    }

    @Test
    void rejectsTenThousandNestedFlowListsWithAClearError() {
        String text = "schemaVersion: 1.0\nx: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

        YamlException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(text));

        assertThat(e.getMessage()).isEqualTo("nested more than " + YamlLoader.MAX_DEPTH + " levels deep");
        assertThat(e.mark().line()).isEqualTo(2);
    }

    @Test
    void rejectsDeeplyNestedUnclosedFlowMappings() {
        YamlException e = failure("a: " + "{b: ".repeat(10_000));

        assertThat(e.getMessage()).contains("nested more than");
    }

    @Test
    void rejectsDeeplyNestedBlockLists() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("  ".repeat(i)).append("-\n");
        }
        sb.append("  ".repeat(200)).append("- x\n");

        assertThat(failure(sb.toString()).getMessage()).contains("nested more than");
    }

    @Test
    void acceptsNestingUpToTheLimit() throws Exception {
        int depth = YamlLoader.MAX_DEPTH;
        YNode node = load("[".repeat(depth) + "]".repeat(depth));

        int levels = 0;
        while (node instanceof YList l) {
            levels++;
            node = l.items().isEmpty() ? null : l.items().get(0);
        }
        assertThat(levels).isEqualTo(depth);
        assertThat(failure("[".repeat(depth + 1) + "]".repeat(depth + 1)).getMessage()).contains("nested more than");
    }

    @Test
    void stopsAnAliasBombInsteadOfExpandingIt() {
        String text = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                """;

        YamlException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(text));

        assertThat(e.getMessage()).isEqualTo("aliases expand to more than 100000 values");
        assertThat(e.mark().line()).isBetween(5, 9);
    }

    @Test
    void acceptsModestUseOfAliases() throws Exception {
        YNode root = load("""
                a: &a [x, y, z]
                b: [*a, *a, *a]
                """);

        assertThat(((YList) ((YMap) root).get("b").orElseThrow()).items()).hasSize(3);
    }

    @Test
    void rejectsAliasOfAnUnknownAnchor() {
        YamlException e = failure("a: *nowhere\n");

        assertThat(e.getMessage()).isEqualTo("alias *nowhere names no anchor");
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 1, 4));
    }

    @Test
    void rejectsDocumentsOverTheSizeLimitBeforeParsing() {
        String text = "a: " + "x".repeat(10 * 1024 * 1024) + "\n";

        YamlException e = failure(text);

        assertThat(e.getMessage()).isEqualTo(String.format(java.util.Locale.ROOT,
                "document is %,d characters; the limit is %,d", text.length(), YamlLoader.MAX_DOCUMENT_CHARS));
        assertThat(e.mark()).isEqualTo(new Mark("doc.yaml", 0, 0));
    }

    @Test
    void hintsThatAnUnquotedReferenceListItemMustBeQuoted() {
        YamlException e = failure("""
                commands:
                  - {{ Greeting }}
                """);

        assertThat(e.getMessage()).isEqualTo("a mapping key must be a plain name, not a mapping"
                + " (a {{ }} reference that starts a value must be quoted)");
        assertThat(e.mark().line()).isEqualTo(2);
    }

    @Test
    void hintsThatAnUnquotedReferenceValueMustBeQuoted() {
        YamlException e = failure("""
                path: {{ build.Download.inputs[0].destination }}
                """);

        assertThat(e.getMessage()).contains("must be quoted");
    }

    @Test
    void hintsAtQuotingWhenAnUnquotedReferenceBreaksTheParse() {
        YamlException e = failure("""
                commands:
                  - echo hi
                  - {{ build.Step.outputs.stdout }} && echo done
                """);

        assertThat(e.getMessage()).startsWith("not valid YAML: ").endsWith("must be quoted)");
        assertThat(e.mark().line()).isEqualTo(3);
    }

    @Test
    void givesNoQuotingHintForOtherSyntaxErrors() {
        assertThat(failure("a: [1, 2\n").getMessage()).doesNotContain("quoted");
    }

    @Test
    void acceptsAnUnquotedReferenceInsideAPlainScalar() throws Exception {
        YNode root = load("""
                command: echo {{ Greeting }}
                """);

        assertThat(scalar(root, "command").text()).isEqualTo("echo {{ Greeting }}");
    }

    @Test
    void rejectsComplexMappingKeys() {
        YamlException e = failure("""
                ? [a, b]
                : c
                """);

        assertThat(e.getMessage()).startsWith("a mapping key must be a plain name, not a list");
    }

    @Test
    void readsANullValueAsAnEmptyPlainScalar() throws Exception {
        YNode root = load("""
                a:
                b: ~
                c: null
                d: ''
                """);

        assertThat(scalar(root, "a").isNull()).isTrue();
        assertThat(scalar(root, "b").isNull()).isTrue();
        assertThat(scalar(root, "c").isNull()).isTrue();
        assertThat(scalar(root, "d").isNull()).isFalse();
    }

    @Test
    void readsAScalarDocument() throws Exception {
        YNode root = load("just some text\n");

        assertThat(root).isInstanceOf(YScalar.class);
        assertThat(((YScalar) root).text()).isEqualTo("just some text");
    }

    @Test
    void keepsAMergeKeyAsAnOrdinaryKeyBecauseYaml12HasNoMerge() throws Exception {
        YNode root = load("""
                base: &base {a: 1}
                derived:
                  <<: *base
                  b: 2
                """);

        assertThat(((YMap) ((YMap) root).get("derived").orElseThrow()).keys()).containsExactly("<<", "b");
    }
}
