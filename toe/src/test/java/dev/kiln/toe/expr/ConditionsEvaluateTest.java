package dev.kiln.toe.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.target.LocalTarget;
import dev.kiln.toe.target.Target;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.yaml.YamlLoader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluating conditions, with the examples of AWS's comparison-operator page: the operator's value is
 * the baseline, and the result is {@code value <operator> baseline}.
 */
class ConditionsEvaluateTest {

    @TempDir
    Path dir;

    private Target target;
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void target() {
        LocalTarget local = new LocalTarget(dir);
        target = (Target) Proxy.newProxyInstance(Target.class.getClassLoader(), new Class<?>[] {Target.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(local, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private boolean eval(Condition c) throws Exception {
        return Conditions.evaluate(c, target);
    }

    private boolean compare(String op, String baseline, String value) throws Exception {
        return eval(new Condition.Compare(op, baseline, value));
    }

    /** Parses an expression as written in a document and evaluates it. */
    private boolean eval(String yaml) throws Exception {
        Problems problems = new Problems();
        Condition c = Conditions.parseExpression(YamlLoader.load("x.yaml", yaml), "inputs", problems).orElseThrow();
        assertThat(problems.all()).isEmpty();
        return eval(c);
    }

    // ---- strings ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "stringEquals ''{0}'' value ''{1}'' is {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Testing, testing... | Testing, testing...     | true",
            "Testing, testing... | Hello again.            | false",
            "Testing, testing... | TESTING, TESTING....    | false",
            "Testing, testing... | \" Testing, testing...\" | false",
            "Testing, testing... | \"Testing, testing... \" | false",
            "Testing, testing... | TESTING, TESTING...     | true",
    })
    void stringEqualsIgnoresCaseButKeepsSpaces(String baseline, String value, boolean expected) throws Exception {
        assertThat(compare("stringEquals", baseline, value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: ''{1}'' value ''{2}'' is {3}")
    @CsvSource({
            // AWS's examples, verbatim except 'A' vs 'a' for stringLessThan, where the page contradicts itself
            "stringLessThan, b, a, true",
            "stringLessThan, a, 0, true",
            "stringLessThan, 0, a, false",
            "stringLessThan, A, a, false",
            "stringLessThanEquals, a, a, true",
            "stringLessThanEquals, A, a, true",
            "stringLessThanEquals, b, a, true",
            "stringLessThanEquals, a, 0, true",
            "stringLessThanEquals, 0, a, false",
            "stringGreaterThan, a, A, false",
            "stringGreaterThan, a, b, true",
            "stringGreaterThan, 0, a, true",
            "stringGreaterThan, a, 0, false",
            "stringGreaterThanEquals, A, a, true",
            "stringGreaterThanEquals, a, b, true",
            "stringGreaterThanEquals, 0, a, true",
            "stringGreaterThanEquals, a, 0, false",
    })
    void ordersStringsAsValueAgainstBaselineIgnoringCase(String op, String baseline, String value, boolean expected)
            throws Exception {
        assertThat(compare(op, baseline, value)).isEqualTo(expected);
    }

    @Test
    void comparesStringsWithoutTrimming() throws Exception {
        assertThat(compare("stringLessThan", "a", " a")).isTrue();
        assertThat(compare("stringEquals", "a", "a\n")).isFalse();
    }

    @Test
    void comparesNumbersAsStringsInStringOperators() throws Exception {
        assertThat(eval("stringEquals: 1.0\nvalue: '1.0'\n")).isTrue();
        assertThat(eval("stringEquals: 1.0\nvalue: '1'\n")).isFalse();
        assertThat(compare("stringLessThan", "9", "10")).isTrue();
    }

    @Test
    void testsForEmptyStringsAsAwsDocuments() throws Exception {
        assertThat(eval(new Condition.Test("stringIsEmpty", ""))).isTrue();
        assertThat(eval(new Condition.Test("stringIsEmpty", " "))).isFalse();
        assertThat(eval(new Condition.Test("stringIsEmpty", "Hello."))).isFalse();
    }

    @Test
    void testsForWhitespaceAsAwsDocuments() throws Exception {
        assertThat(eval(new Condition.Test("stringIsWhitespace", "   "))).isTrue();
        assertThat(eval(new Condition.Test("stringIsWhitespace", " \t\n"))).isTrue();
        assertThat(eval(new Condition.Test("stringIsWhitespace", ""))).isFalse();
        assertThat(eval(new Condition.Test("stringIsWhitespace", " Hello?"))).isFalse();
    }

    @Test
    void readsTheSingleValueOperatorsFromYaml() throws Exception {
        assertThat(eval("stringIsEmpty: ''\n")).isTrue();
        assertThat(eval("stringIsWhitespace: '   '\n")).isTrue();
    }

    @Test
    void matchesPatternsAnywhereInTheValue() throws Exception {
        assertThat(compare("patternMatches", "[0-9]+", "version 42")).isTrue();
        assertThat(compare("patternMatches", "^[a-z]+$", "thisisvalue")).isTrue();
        assertThat(compare("patternMatches", "^[0-9]+$", "4 2")).isFalse();
    }

    @Test
    void matchesPatternsCaseSensitivelyUnlessThePatternSaysOtherwise() throws Exception {
        assertThat(compare("patternMatches", "^[a-z]+$", "ThisIsValue")).isFalse();
        assertThat(compare("patternMatches", "(?i)^[a-z]+$", "ThisIsValue")).isTrue();
    }

    // ---- numbers ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1} value {2} is {3}")
    @CsvSource({
            "numberEquals, 1, 1, true",
            "numberEquals, 5.0, 5.0, true",
            "numberEquals, -1, -1, true",
            "numberEquals, 1, 1.0, true",
            "numberEquals, 1, 2, false",
            "numberLessThan, 2, 1, true",
            "numberLessThan, 2, 1.9, true",
            "numberLessThan, 2, 2, false",
            "numberLessThanEquals, 2, 1, true",
            "numberLessThanEquals, 2, 1.9, true",
            "numberLessThanEquals, 2, 2, true",
            "numberLessThanEquals, 2, 2.1, false",
            "numberGreaterThan, 1, 2, true",
            "numberGreaterThan, 1, 1.1, true",
            "numberGreaterThan, 1, 1, false",
            "numberGreaterThanEquals, 1, 2, true",
            "numberGreaterThanEquals, 1, 1.1, true",
            "numberGreaterThanEquals, 1, 1, true",
            "numberGreaterThanEquals, 1, 0.8, false",
            "numberLessThan, 10, 9, true",
            "numberGreaterThan, -1, +2, true",
    })
    void comparesNumbersAsValueAgainstBaseline(String op, String baseline, String value, boolean expected)
            throws Exception {
        assertThat(compare(op, baseline, value)).isEqualTo(expected);
    }

    @Test
    void readsQuotedAndUnquotedNumbersAlike() throws Exception {
        assertThat(eval("numberEquals: 1\nvalue: 1\n")).isTrue();
        assertThat(eval("numberEquals: '1'\nvalue: 1\n")).isTrue();
        assertThat(eval("numberEquals: 1\nvalue: '1'\n")).isTrue();
        assertThat(eval("numberLessThan: 2\nvalue: '2'\n")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"numberEquals", "numberLessThan", "numberLessThanEquals", "numberGreaterThan",
            "numberGreaterThanEquals"})
    void isFalseWhenTheValueIsNoNumber(String op) throws Exception {
        assertThat(compare(op, "10", "a10")).isFalse();
        assertThat(compare(op, "10", "")).isFalse();
        assertThat(compare(op, "10", "1.2.3")).isFalse();
        assertThat(compare(op, "abc", "10")).isFalse();
    }

    @Test
    void convertsDecimalStrings() throws Exception {
        assertThat(compare("numberEquals", "1", "1.0")).isTrue();
        assertThat(compare("numberEquals", "1", "+1")).isTrue();
    }

    @Test
    void comparesNumbersBeyondLongRangeExactly() throws Exception {
        assertThat(compare("numberLessThan", "100000000000000000001", "100000000000000000000")).isTrue();
        assertThat(compare("numberEquals", "0.1", "0.10")).isTrue();
    }

    // ---- files, folders, binaries ------------------------------------------------------------------

    @Test
    void fileExistsOnlyForFiles() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        Path folder = Files.createDirectory(dir.resolve("folder"));

        assertThat(eval(new Condition.Test("fileExists", file.toString()))).isTrue();
        assertThat(eval(new Condition.Test("fileExists", folder.toString()))).isFalse();
        assertThat(eval(new Condition.Test("fileExists", dir.resolve("none").toString()))).isFalse();
    }

    @Test
    void folderExistsOnlyForFolders() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        Path folder = Files.createDirectory(dir.resolve("folder"));

        assertThat(eval(new Condition.Test("folderExists", folder.toString()))).isTrue();
        assertThat(eval(new Condition.Test("folderExists", file.toString()))).isFalse();
        assertThat(eval(new Condition.Test("folderExists", dir.resolve("none").toString()))).isFalse();
    }

    @Test
    void fileExistsFollowsSymlinks() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));

        assertThat(eval(new Condition.Test("fileExists", link.toString()))).isTrue();
        assertThat(eval(new Condition.Test("fileExists", dangling.toString()))).isFalse();
    }

    @Test
    void binaryExistsLooksOnThePath() throws Exception {
        assertThat(eval(new Condition.Test("binaryExists", "sh"))).isTrue();
        assertThat(eval(new Condition.Test("binaryExists", "kiln-no-such-binary-x9"))).isFalse();
    }

    @Test
    void binaryExistsTreatsTheNameAsDataNotShellCode() throws Exception {
        Path marker = dir.resolve("marker");

        assertThat(eval(new Condition.Test("binaryExists", "x; touch " + marker))).isFalse();
        assertThat(marker).doesNotExist();
    }

    @Test
    void comparesFileHashesWithEveryAlgorithm() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "hello\n");
        byte[] data = "hello\n".getBytes(StandardCharsets.UTF_8);

        for (String[] alg : new String[][] {{"MD5", "MD5"}, {"SHA-1", "SHA1"}, {"SHA-256", "SHA256"},
                {"SHA-512", "SHA512"}}) {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance(alg[0]).digest(data));
            String yaml = "file" + alg[1] + "Equals: " + hex + "\npath: " + file + "\n";
            assertThat(eval(yaml)).as(alg[1]).isTrue();
            assertThat(eval(yaml.replace(hex, hex.toUpperCase(Locale.ROOT)))).as(alg[1] + " upper case").isTrue();
            assertThat(eval(yaml.replace(hex, "0" + hex.substring(1).replace('0', '1')))).as(alg[1] + " wrong")
                    .isFalse();
        }
    }

    @Test
    void knowsTheSha256OfAKnownText() throws Exception {
        Path file = Files.writeString(dir.resolve("abc"), "abc");

        assertThat(eval(new Condition.FileHash("SHA-256",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", file.toString()))).isTrue();
    }

    @Test
    void fileHashIsFalseForMissingFilesAndFolders() throws Exception {
        String empty = "d41d8cd98f00b204e9800998ecf8427e";

        assertThat(eval(new Condition.FileHash("MD5", empty, dir.resolve("none").toString()))).isFalse();
        assertThat(eval(new Condition.FileHash("MD5", empty, dir.toString()))).isFalse();
    }

    // ---- logical -----------------------------------------------------------------------------------

    @Test
    void andIsTrueOnlyWhenAllAre() throws Exception {
        assertThat(eval("""
                and:
                  - stringEquals: 'test_string'
                    value: 'test_string'
                  - numberEquals: 1
                    value: 1
                """)).isTrue();
        assertThat(eval("""
                and:
                  - stringEquals: 'test_string'
                    value: 'Hello world!'
                  - numberEquals: 1
                    value: 1
                """)).isFalse();
    }

    @Test
    void orIsTrueWhenAnyIs() throws Exception {
        assertThat(eval("""
                or:
                  - stringEquals: 'test_string'
                    value: 'Hello world!'
                  - numberEquals: 1
                    value: 1
                """)).isTrue();
        assertThat(eval("""
                or:
                  - stringIsEmpty: 'x'
                  - numberEquals: 1
                    value: 2
                """)).isFalse();
    }

    @Test
    void notNegates() throws Exception {
        assertThat(eval("""
                not:
                  - stringEquals: 'test_string'
                    value: 'Hello world!'
                """)).isTrue();
        assertThat(eval("not:\n  stringIsEmpty: ''\n")).isFalse();
    }

    @Test
    void andStopsAtTheFirstFalse() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");

        boolean result = eval(new Condition.And(List.of(new Condition.Compare("stringEquals", "a", "b"),
                new Condition.Test("fileExists", file.toString()))));

        assertThat(result).isFalse();
        assertThat(calls).isEmpty();
    }

    @Test
    void andEvaluatesInOrderUntilTheEnd() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");

        boolean result = eval(new Condition.And(List.of(new Condition.Test("fileExists", file.toString()),
                new Condition.Test("folderExists", dir.toString()))));

        assertThat(result).isTrue();
        assertThat(calls).containsExactly("stat", "stat");
    }

    @Test
    void orStopsAtTheFirstTrue() throws Exception {
        boolean result = eval(new Condition.Or(List.of(new Condition.Compare("stringEquals", "a", "A"),
                new Condition.Test("binaryExists", "sh"))));

        assertThat(result).isTrue();
        assertThat(calls).isEmpty();
    }

    @Test
    void evaluatesNestedExpressions() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), "x");

        assertThat(eval("""
                and:
                  - binaryExists: 'sh'
                  - not:
                      binaryExists: 'kiln-no-such-binary-x9'
                  - or:
                      - fileExists: '%s'
                      - folderExists: '/nonexistent'
                """.formatted(file))).isTrue();
    }

    @Test
    void readsExponents() throws Exception {
        assertThat(compare("numberEquals", "1e3", "1000")).isTrue();
        assertThat(compare("numberLessThan", "1E-3", "0.0001")).isTrue();
    }

    @Test
    void isFalseForNumbersWithExponentsTooLargeToRead() throws Exception {
        assertThat(compare("numberEquals", "1", "1e99999999999")).isFalse();
        assertThat(compare("numberGreaterThan", "1", "1e2147483648")).isFalse();
    }
}
