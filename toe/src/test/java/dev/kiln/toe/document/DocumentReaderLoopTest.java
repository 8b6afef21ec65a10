package dev.kiln.toe.document;

import static dev.kiln.toe.document.Docs.errors;
import static dev.kiln.toe.document.Docs.oneStepError;
import static dev.kiln.toe.document.Docs.readSteps;
import static dev.kiln.toe.document.Docs.valid;
import static dev.kiln.toe.document.Docs.validSteps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode.YScalar;
import dev.kiln.toe.yaml.YNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A step's loop: for, forEach lists, forEach with a delimiter, loop names. */
class DocumentReaderLoopTest {

    private static String step(String loop) {
        return "- name: Looping\n  action: ExecuteBash\n  loop:\n" + loop.indent(4)
                + "  inputs:\n    commands: ['echo {{ loop.value }}']\n";
    }

    private static Loop loopOf(ComponentDocument doc) {
        return doc.phases().get(0).steps().get(0).loop();
    }

    // ---- for ------------------------------------------------------------------------------------------

    @Test
    void readsAForLoop() {
        Loop loop = loopOf(validSteps(step("name: counter\nfor:\n  start: 1\n  end: 10\n  updateBy: 2\n")));

        assertThat(loop).isEqualTo(new Loop.For("counter", 1, 10, 2));
    }

    @ParameterizedTest
    @CsvSource({"1, 5, 1", "5, 1, -1", "3, 3, 1", "3, 3, -4", "-10, 10, 5", "0, 1, 100"})
    void acceptsForLoopsThatEnd(long start, long end, long by) {
        assertThat(loopOf(validSteps(step("for:\n  start: %d\n  end: %d\n  updateBy: %d\n".formatted(start, end, by)))))
                .isEqualTo(new Loop.For(null, start, end, by));
    }

    @Test
    void rejectsAForLoopCountingByZero() {
        Problem p = oneStepError(step("for:\n  start: 1\n  end: 5\n  updateBy: 0\n"));

        assertThat(p.message()).isEqualTo("updateBy must not be 0");
        assertThat(p.field()).isEqualTo("loop.for.updateBy");
        assertThat(p.step()).isEqualTo("Looping");
        assertThat(p.mark()).isEqualTo(new Mark("doc.yaml", 11, 23));
    }

    @ParameterizedTest
    @CsvSource({"1, 5, -1", "5, 1, 1", "-1, -10, 2"})
    void rejectsForLoopThatNeverEnds(long start, long end, long by) {
        Problem p = oneStepError(step("for:\n  start: %d\n  end: %d\n  updateBy: %d\n".formatted(start, end, by)));

        assertThat(p.message()).isEqualTo("the loop never ends: counting from " + start + " by " + by
                + " never reaches " + end);
        assertThat(p.field()).isEqualTo("loop.for");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "one", "[1]", "1234567890123456"})
    void rejectsForBoundsThatAreNoIntegers(String start) {
        Problem p = oneStepError(step("for:\n  start: " + start + "\n  end: 5\n  updateBy: 1\n"));

        assertThat(p.message()).isEqualTo("start must be an integer (references are not allowed here)");
        assertThat(p.field()).isEqualTo("loop.for.start");
    }

    @Test
    void requiresEveryForBound() {
        assertThat(errors(readSteps(step("for:\n  start: 1\n")))).containsExactly("for needs 'end'", "for needs 'updateBy'");
    }

    @Test
    void rejectsAnUnknownForField() {
        assertThat(oneStepError(step("for:\n  start: 1\n  end: 2\n  updateBy: 1\n  stpe: 1\n")).message())
                .isEqualTo("unknown for field 'stpe'");
    }

    @Test
    void rejectsAForThatIsNoMapping() {
        assertThat(oneStepError(step("for: [1, 5, 1]\n")).message()).isEqualTo("for must be {start, end, updateBy}");
    }

    // ---- forEach ------------------------------------------------------------------------------------------

    @Test
    void readsAForEachList() {
        Loop loop = loopOf(validSteps(step("forEach:\n  - a\n  - 'b c'\n  - 3\n")));

        assertThat(loop).isInstanceOfSatisfying(Loop.ForEachList.class, l -> {
            assertThat(l.name()).isNull();
            assertThat(l.items()).extracting(i -> ((YScalar) i).text()).containsExactly("a", "b c", "3");
        });
    }

    @Test
    void rejectsAnEmptyForEachList() {
        assertThat(oneStepError(step("forEach: []\n")).message()).isEqualTo("forEach needs at least one item");
    }

    @Test
    void rejectsForEachItemsThatAreNoStrings() {
        Problem p = oneStepError(step("forEach:\n  - a\n  - [b]\n"));

        assertThat(p.message()).isEqualTo("forEach items are strings, not a list");
        assertThat(p.field()).isEqualTo("loop.forEach");
    }

    @Test
    void readsAForEachWithTheDefaultDelimiter() {
        Loop loop = loopOf(validSteps(step("forEach:\n  list: 'a,b,c'\n")));

        assertThat(loop).isInstanceOfSatisfying(Loop.ForEachDelimited.class, l -> {
            assertThat(l.delimiter()).isEqualTo(',');
            assertThat(((YScalar) l.list()).text()).isEqualTo("a,b,c");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'.'  | .", "','  | ,", "';'  | ;", "':'  | :", "'-'  | -", "'_'  | _",
            "' '  | \" \"", "\"\\t\" | \"\t\"", "'\\t' | \"\t\"", "\"\\n\" | \"\n\"", "'\\n' | \"\n\"",
    })
    void acceptsEveryDocumentedDelimiter(String written, String delimiter) {
        Loop loop = loopOf(validSteps(step("forEach:\n  list: 'a b'\n  delimiter: " + written + "\n")));

        assertThat(((Loop.ForEachDelimited) loop).delimiter()).isEqualTo(delimiter.charAt(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'|'", "'/'", "',,'", "''", "[',']"})
    void rejectsOtherDelimiters(String written) {
        Problem p = oneStepError(step("forEach:\n  list: 'a b'\n  delimiter: " + written + "\n"));

        assertThat(p.message()).isEqualTo("delimiter must be one of . , ; : \\n \\t space - _");
        assertThat(p.field()).isEqualTo("loop.forEach.delimiter");
    }

    @Test
    void rejectsReferencesInLoopBoundsAndDelimiters() {
        DocumentReader.Result r = Docs.read("""
                schemaVersion: 1.0
                constants:
                  - Start:
                      type: string
                      value: 1
                  - Sep:
                      type: string
                      value: ','
                phases:
                  - name: build
                    steps:
                      - name: Count
                        action: ExecuteBash
                        loop:
                          for: {start: '{{ Start }}', end: 3, updateBy: 1}
                        inputs: {commands: [echo]}
                      - name: Split
                        action: ExecuteBash
                        loop:
                          forEach: {list: 'a,b', delimiter: '{{ Sep }}'}
                        inputs: {commands: [echo]}
                """);

        assertThat(errors(r)).containsExactly("start must be an integer (references are not allowed here)",
                "delimiter must be one of . , ; : \\n \\t space - _");
    }

    @Test
    void acceptsAReferenceAsTheDelimitedList() {
        valid("""
                schemaVersion: 1.0
                parameters:
                  - Hosts:
                      type: string
                      default: 127.0.0.1,amazon.com
                phases:
                  - name: build
                    steps:
                      - name: Ping
                        action: ExecuteBash
                        loop:
                          forEach:
                            list: '{{ Hosts }}'
                            delimiter: ','
                        inputs:
                          commands:
                            - ping -c 4 {{ loop.value }}
                """);
    }

    @Test
    void requiresTheListOfADelimitedForEach() {
        assertThat(oneStepError(step("forEach:\n  delimiter: ','\n")).message())
                .isEqualTo("forEach needs 'list', a string of items");
        assertThat(oneStepError(step("forEach:\n  list: [a, b]\n")).message())
                .isEqualTo("forEach needs 'list', a string of items");
    }

    @Test
    void rejectsAnUnknownForEachField() {
        assertThat(oneStepError(step("forEach:\n  list: a\n  separator: ','\n")).message())
                .isEqualTo("unknown forEach field 'separator'");
    }

    @Test
    void rejectsAForEachThatIsAString() {
        assertThat(oneStepError(step("forEach: 'a,b'\n")).message()).isEqualTo("forEach is a list, or {list, delimiter}");
    }

    // ---- the loop mapping -------------------------------------------------------------------------------

    @Test
    void requiresExactlyOneOfForAndForEach() {
        assertThat(oneStepError(step("name: x1\n")).message()).isEqualTo("a loop has exactly one of for and forEach");
        assertThat(oneStepError(step("for: {start: 1, end: 2, updateBy: 1}\nforEach: [a]\n")).message())
                .isEqualTo("a loop has exactly one of for and forEach");
    }

    @Test
    void rejectsALoopThatIsNoMapping() {
        Problem p = oneStepError("- name: L\n  action: ExecuteBash\n  loop: [a, b]\n  inputs:\n    commands: [echo]\n");

        assertThat(p.message()).isEqualTo("loop must be a mapping with for or forEach, not a list");
    }

    @Test
    void rejectsAnUnknownLoopFieldWithASuggestion() {
        assertThat(oneStepError(step("forEach: [a]\nnmae: x\n")).message())
                .isEqualTo("unknown loop field 'nmae' (did you mean name?)");
    }

    // ---- loop names --------------------------------------------------------------------------------------

    @Test
    void acceptsTheSameLoopNameInDifferentPhases() {
        valid("""
                schemaVersion: 1.0
                phases:
                  - name: build
                    steps:
                      - name: A
                        action: ExecuteBash
                        loop: {name: each, forEach: [a]}
                        inputs: {commands: ['echo {{ each.value }}']}
                  - name: test
                    steps:
                      - name: A
                        action: ExecuteBash
                        loop: {name: each, forEach: [a]}
                        inputs: {commands: ['echo {{ each.value }}']}
                """);
    }

    @Test
    void rejectsALoopNameUsedTwiceInAPhase() {
        Problem p = oneStepError("""
                - name: A
                  action: ExecuteBash
                  loop: {name: each, forEach: [a]}
                  inputs: {commands: ['echo {{ each.value }}']}
                - name: B
                  action: ExecuteBash
                  loop: {name: each, forEach: [b]}
                  inputs: {commands: ['echo {{ each.value }}']}
                """);

        assertThat(p).hasToString("doc.yaml:11:22: error: phase 'build', step 'B', field 'loop.name':"
                + " loop name 'each' is used twice in this phase");
    }

    @Test
    void acceptsUnnamedLoopsInSeveralSteps() {
        validSteps("""
                - name: A
                  action: ExecuteBash
                  loop: {forEach: [a]}
                  inputs: {commands: ['echo {{ loop.value }}']}
                - name: B
                  action: ExecuteBash
                  loop: {forEach: [b]}
                  inputs: {commands: ['echo {{ loop.value }}']}
                """);
    }

    @Test
    void reservesTheNameLoop() {
        Problem p = oneStepError(step("name: loop\nforEach: [a]\n"));

        assertThat(p.message()).isEqualTo("'loop' is reserved; it names the current loop");
        assertThat(p.field()).isEqualTo("loop.name");
    }

    @Test
    void rejectsLoopNamesWithOtherCharacters() {
        assertThat(oneStepError(step("name: 'my loop'\nforEach: [a]\n")).message())
                .isEqualTo("loop names are letters, digits, '_' and '-'");
    }

    @Test
    void keepsTheLoopItemsForTheRunner() {
        ComponentDocument doc = validSteps("""
                - name: A
                  action: ExecuteBash
                  inputs: {commands: [echo]}
                - name: B
                  action: ExecuteBash
                  loop:
                    forEach:
                      - "{{ build.A.outputs.stdout }}"
                  inputs: {commands: ['echo {{ loop.value }}']}
                """);

        Loop loop = doc.phases().get(0).steps().get(1).loop();
        YNode item = ((Loop.ForEachList) loop).items().get(0);
        assertThat(((YScalar) item).text()).isEqualTo("{{ build.A.outputs.stdout }}");
    }
}
