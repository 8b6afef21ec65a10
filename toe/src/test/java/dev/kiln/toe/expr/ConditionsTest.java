package dev.kiln.toe.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.expr.StepCondition.Branch;
import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YamlLoader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading {@code if} and Assert expressions; {@link ConditionsEvaluateTest} covers evaluating them. */
class ConditionsTest {

    private final Problems problems = new Problems();

    private Optional<StepCondition> parseIf(String yaml) throws Exception {
        return Conditions.parseIf(YamlLoader.load("if.yaml", yaml), problems);
    }

    private Condition condition(String yaml) throws Exception {
        Optional<StepCondition> c = parseIf(yaml);
        assertThat(problems.all()).isEmpty();
        return c.orElseThrow().expression();
    }

    private List<String> messages() {
        return problems.all().stream().map(Problem::message).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stringEquals", "stringLessThan", "stringLessThanEquals", "stringGreaterThan",
            "stringGreaterThanEquals", "patternMatches", "numberEquals", "numberLessThan", "numberLessThanEquals",
            "numberGreaterThan", "numberGreaterThanEquals"})
    void readsEveryComparisonOperatorWithItsBaselineAndValue(String op) throws Exception {
        Condition c = condition(op + ": '1'\nvalue: '2'\n");

        assertThat(c).isEqualTo(new Condition.Compare(op, "1", "2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stringIsEmpty", "stringIsWhitespace", "binaryExists", "fileExists", "folderExists"})
    void readsEverySingleValueOperator(String op) throws Exception {
        assertThat(condition(op + ": '/x'\n")).isEqualTo(new Condition.Test(op, "/x"));
    }

    @Test
    void readsFileHashOperatorsWithTheirPath() throws Exception {
        assertThat(condition("fileMD5Equals: abc\npath: /f\n")).isEqualTo(new Condition.FileHash("MD5", "abc", "/f"));
        assertThat(condition("fileSHA1Equals: abc\npath: /f\n")).isEqualTo(new Condition.FileHash("SHA-1", "abc", "/f"));
        assertThat(condition("fileSHA256Equals: abc\npath: /f\n"))
                .isEqualTo(new Condition.FileHash("SHA-256", "abc", "/f"));
        assertThat(condition("fileSHA512Equals: abc\npath: /f\n"))
                .isEqualTo(new Condition.FileHash("SHA-512", "abc", "/f"));
    }

    @Test
    void listsEveryOperatorName() {
        assertThat(Conditions.operators()).containsExactlyInAnyOrder("stringIsEmpty", "stringIsWhitespace",
                "binaryExists", "fileExists", "folderExists", "stringEquals", "stringLessThan",
                "stringLessThanEquals", "stringGreaterThan", "stringGreaterThanEquals", "patternMatches",
                "numberEquals", "numberLessThan", "numberLessThanEquals", "numberGreaterThan",
                "numberGreaterThanEquals", "fileMD5Equals", "fileSHA1Equals", "fileSHA256Equals", "fileSHA512Equals",
                "and", "or", "not");
    }

    @Test
    void runsWhenTrueAndSkipsWhenFalseByDefault() throws Exception {
        StepCondition c = parseIf("fileExists: /etc/my_config\n").orElseThrow();

        assertThat(c.then()).isEqualTo(Branch.Execute);
        assertThat(c.otherwise()).isEqualTo(Branch.Skip);
    }

    @Test
    void readsThenAndElseBesideTheOperator() throws Exception {
        StepCondition c = parseIf("""
                fileExists: '/etc/my_config'
                then: Skip
                else: Execute
                """).orElseThrow();

        assertThat(c.expression()).isEqualTo(new Condition.Test("fileExists", "/etc/my_config"));
        assertThat(c.then()).isEqualTo(Branch.Skip);
        assertThat(c.otherwise()).isEqualTo(Branch.Execute);
    }

    @Test
    void readsAbortAsABranch() throws Exception {
        assertThat(parseIf("binaryExists: apt-get\nelse: Abort\n").orElseThrow().otherwise()).isEqualTo(Branch.Abort);
    }

    @Test
    void acceptsTheDocumentedListForm() throws Exception {
        StepCondition c = parseIf("""
                - stringEquals: 's3'
                  value: '{{ build.CheckRecipeType.outputs.stdout }}'
                  then: Execute
                  else: Skip
                """).orElseThrow();

        assertThat(problems.all()).isEmpty();
        assertThat(c.expression()).isEqualTo(new Condition.Compare("stringEquals", "s3",
                "{{ build.CheckRecipeType.outputs.stdout }}"));
    }

    @Test
    void rejectsAListOfTwoExpressions() throws Exception {
        assertThat(parseIf("- binaryExists: a\n- binaryExists: b\n")).isEmpty();
        assertThat(messages()).containsExactly("'if' holds exactly one expression; combine several with and/or");
    }

    @Test
    void rejectsAnIfThatIsNoMapping() throws Exception {
        assertThat(parseIf("'true'\n")).isEmpty();
        assertThat(messages()).singleElement().asString().startsWith("'if' must be a mapping");
    }

    @Test
    void rejectsAnUnknownBranchWithASuggestion() throws Exception {
        assertThat(parseIf("binaryExists: apt-get\nthen: skip\n")).isEmpty();

        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("'skip' is not Abort, Execute or Skip (did you mean Skip?)");
            assertThat(p.field()).isEqualTo("if.then");
            assertThat(p.mark()).isEqualTo(new Mark("if.yaml", 2, 7));
        });
    }

    @Test
    void rejectsABranchThatIsAList() throws Exception {
        assertThat(parseIf("binaryExists: apt-get\nelse: [Skip]\n")).isEmpty();
        assertThat(messages()).containsExactly("must be Abort, Execute or Skip");
    }

    @Test
    void rejectsAnUnknownOperatorWithASuggestion() throws Exception {
        assertThat(parseIf("stringEqual: a\nvalue: a\n")).isEmpty();

        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("unknown operator 'stringEqual' (did you mean stringEquals?)");
            assertThat(p.mark()).isEqualTo(new Mark("if.yaml", 1, 1));
            assertThat(p.field()).isEqualTo("if");
        });
    }

    @Test
    void rejectsAMisspelledValueKeyWithASuggestion() throws Exception {
        assertThat(parseIf("stringEquals: a\nvaule: a\n")).isEmpty();

        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("unknown operator or field 'vaule' (did you mean value?)");
            assertThat(p.mark()).isEqualTo(new Mark("if.yaml", 2, 1));
        });
    }

    @Test
    void rejectsTwoOperatorsInOneMapping() throws Exception {
        assertThat(parseIf("""
                stringEquals: a
                numberEquals: 1
                value: a
                """)).isEmpty();

        assertThat(messages()).containsExactly(
                "one operator per expression, found stringEquals, numberEquals; combine several with and/or");
    }

    @Test
    void rejectsAnExpressionWithoutOperator() throws Exception {
        assertThat(parseIf("value: a\nthen: Skip\n")).isEmpty();
        assertThat(messages()).singleElement().asString().startsWith("no operator: expected one of and, binaryExists");
    }

    @Test
    void rejectsAComparisonWithoutValue() throws Exception {
        assertThat(parseIf("stringEquals: a\n")).isEmpty();
        assertThat(messages()).containsExactly("stringEquals needs 'value:' beside it, the value to compare");
    }

    @Test
    void rejectsAValueThatIsNotAScalar() throws Exception {
        assertThat(parseIf("stringEquals: a\nvalue: [a]\n")).isEmpty();
        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("if.value");
            assertThat(p.message()).isEqualTo("must be a single value, not a list");
        });
    }

    @Test
    void rejectsABaselineThatIsNotAScalar() throws Exception {
        assertThat(parseIf("stringEquals: {a: b}\nvalue: a\n")).isEmpty();
        assertThat(messages()).containsExactly("must be a single value, not a mapping");
    }

    @Test
    void rejectsValueOnASingleValueOperator() throws Exception {
        assertThat(parseIf("fileExists: /a\nvalue: /b\n")).isPresent();
        assertThat(messages()).containsExactly("'value:' does not belong with this operator");
    }

    @Test
    void rejectsPathOnAComparison() throws Exception {
        parseIf("stringEquals: a\nvalue: a\npath: /b\n");
        assertThat(messages()).containsExactly("'path:' does not belong with this operator");
    }

    @Test
    void rejectsAHashOperatorWithoutPath() throws Exception {
        assertThat(parseIf("fileSHA256Equals: abc\n")).isEmpty();
        assertThat(messages()).containsExactly("fileSHA256Equals needs 'path:' beside it, the value to compare");
    }

    @Test
    void rejectsANumberOperatorWhoseBaselineIsNoNumber() throws Exception {
        assertThat(parseIf("numberEquals: ten\nvalue: '10'\n")).isEmpty();
        assertThat(messages()).containsExactly("'ten' is not a number");
    }

    @Test
    void acceptsNumbersOfEveryDocumentedForm() throws Exception {
        for (String n : List.of("1", "-1", "+2", "5.0", "'1'", "1.9")) {
            assertThat(parseIf("numberEquals: " + n + "\nvalue: '1'\n")).as(n).isPresent();
        }
        assertThat(problems.all()).isEmpty();
    }

    @Test
    void acceptsAReferenceAsNumberBaseline() throws Exception {
        assertThat(parseIf("numberGreaterThan: '{{ MinVersion }}'\nvalue: '3'\n")).isPresent();
        assertThat(problems.all()).isEmpty();
    }

    @Test
    void rejectsPatternMatchesWithABadRegex() throws Exception {
        assertThat(parseIf("patternMatches: '[a-'\nvalue: x\n")).isEmpty();

        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("not a valid regular expression: ");
            assertThat(p.field()).isEqualTo("if.patternMatches");
            assertThat(p.mark()).isEqualTo(new Mark("if.yaml", 1, 17));
        });
    }

    @Test
    void leavesAPatternWithAReferenceToRunTime() throws Exception {
        assertThat(parseIf("patternMatches: '{{ Pattern }}'\nvalue: x\n")).isPresent();
    }

    @Test
    void readsAndOrNot() throws Exception {
        Condition c = condition("""
                and:
                  - binaryExists: 'apt-get'
                  - not:
                      binaryExists: 'unzip'
                  - or:
                      - stringEquals: a
                        value: b
                      - numberEquals: 1
                        value: 1
                """);

        assertThat(c).isEqualTo(new Condition.And(List.of(
                new Condition.Test("binaryExists", "apt-get"),
                new Condition.Not(new Condition.Test("binaryExists", "unzip")),
                new Condition.Or(List.of(new Condition.Compare("stringEquals", "a", "b"),
                        new Condition.Compare("numberEquals", "1", "1"))))));
    }

    @Test
    void readsNotAsAOneItemList() throws Exception {
        assertThat(condition("not:\n  - stringEquals: test_string\n    value: 'Hello world!'\n"))
                .isEqualTo(new Condition.Not(new Condition.Compare("stringEquals", "test_string", "Hello world!")));
    }

    @Test
    void rejectsNotOfTwoExpressions() throws Exception {
        assertThat(parseIf("not:\n  - binaryExists: a\n  - binaryExists: b\n")).isEmpty();
        assertThat(messages()).containsExactly("must hold exactly one expression");
    }

    @Test
    void rejectsAndOfAMapping() throws Exception {
        assertThat(parseIf("and:\n  binaryExists: a\n")).isEmpty();
        assertThat(messages()).containsExactly("must be a list of expressions");
    }

    @Test
    void rejectsNotOfAScalar() throws Exception {
        assertThat(parseIf("not: 'x'\n")).isEmpty();
        assertThat(messages()).containsExactly("must be one expression");
    }

    @Test
    void rejectsAnEmptyOr() throws Exception {
        assertThat(parseIf("or: []\n")).isEmpty();
        assertThat(messages()).containsExactly("must hold at least one expression");
    }

    @Test
    void rejectsAListItemThatIsNoExpression() throws Exception {
        assertThat(parseIf("or:\n  - binaryExists: a\n  - 'b'\n")).isEmpty();
        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("if.or[1]");
            assertThat(p.message()).isEqualTo("expected an expression, not a string");
        });
    }

    @Test
    void reportsEveryBadItemOfALogicalOperator() throws Exception {
        assertThat(parseIf("""
                and:
                  - stringEqual: a
                    value: a
                  - numberEquals: x
                    value: '1'
                """)).isEmpty();

        assertThat(problems.all()).extracting(Problem::field).containsExactly("if.and[0]", "if.and[1].numberEquals");
    }

    @Test
    void rejectsValueBesideALogicalOperator() throws Exception {
        parseIf("or:\n  - binaryExists: a\nvalue: x\n");
        assertThat(messages()).containsExactly("'value:' does not belong with this operator");
    }

    @Test
    void acceptsLogicalOperatorsNestedFourLevelsDeep() throws Exception {
        Condition c = condition("""
                and:
                  - or:
                      - not:
                          and:
                            - stringEquals: a
                              value: a
                """);

        assertThat(c).isInstanceOf(Condition.And.class);
    }

    @Test
    void rejectsLogicalOperatorsNestedFiveLevelsDeep() throws Exception {
        assertThat(parseIf("""
                and:
                  - or:
                      - not:
                          and:
                            - or:
                                - stringEquals: a
                                  value: a
                """)).isEmpty();

        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("logical operators nest at most 4 levels deep");
            assertThat(p.field()).isEqualTo("if.and[0].or[0].not.and[0].or");
            assertThat(p.mark().line()).isEqualTo(6);
        });
    }

    @Test
    void readsAnAssertExpression() throws Exception {
        Optional<Condition> c = Conditions.parseExpression(YamlLoader.load("a.yaml", """
                patternMatches: '^2\\.[0-9]+'
                value: '{{ validate.Version.outputs.stdout }}'
                """), "inputs", problems);

        assertThat(problems.all()).isEmpty();
        assertThat(c).contains(new Condition.Compare("patternMatches", "^2\\.[0-9]+",
                "{{ validate.Version.outputs.stdout }}"));
    }

    @Test
    void rejectsThenAndElseInAnAssertExpression() throws Exception {
        Optional<Condition> c = Conditions.parseExpression(YamlLoader.load("a.yaml", """
                stringEquals: a
                value: a
                then: Skip
                """), "inputs", problems);

        assertThat(c).isEmpty();
        assertThat(messages()).singleElement().asString().startsWith("unknown operator or field 'then'");
    }

    @Test
    void rejectsAnAssertExpressionThatIsNoMapping() throws Exception {
        assertThat(Conditions.parseExpression(YamlLoader.load("a.yaml", "- stringEquals: a\n"), "inputs", problems))
                .isEmpty();
        assertThat(messages()).containsExactly("expected a comparison or logical expression, not a list");
    }

    @Test
    void rejectsANumberBaselineWithAnExponentTooLargeToRead() throws Exception {
        assertThat(parseIf("numberEquals: 1e99999999999\nvalue: '1'\n")).isEmpty();
        assertThat(messages()).containsExactly("'1e99999999999' is not a number");
    }
}
