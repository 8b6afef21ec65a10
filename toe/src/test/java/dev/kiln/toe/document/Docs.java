package dev.kiln.toe.document;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.validate.Problem;
import java.util.List;

/** Reading documents written inline in tests, and looking at what the reader said. */
final class Docs {
    static final String FILE = "doc.yaml";

    private Docs() {
    }

    static DocumentReader.Result read(String yaml) {
        return DocumentReader.read(FILE, yaml);
    }

    /** A document with one build phase holding these steps, written starting at column 0. */
    static String build(String steps) {
        return "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n" + steps.indent(6);
    }

    /** The steps' document, read; steps start at line 5. */
    static DocumentReader.Result readSteps(String steps) {
        return read(build(steps));
    }

    static List<String> errors(DocumentReader.Result r) {
        return r.errors().stream().map(Problem::message).toList();
    }

    static List<String> warnings(DocumentReader.Result r) {
        return r.problems().stream().filter(p -> !p.isError()).map(Problem::message).toList();
    }

    /** Asserts the document is valid (warnings allowed) and answers it. */
    static ComponentDocument valid(String yaml) {
        DocumentReader.Result r = read(yaml);
        assertThat(r.errors()).as("errors of\n" + yaml).isEmpty();
        assertThat(r.valid()).isTrue();
        return r.document();
    }

    static ComponentDocument validSteps(String steps) {
        return valid(build(steps));
    }

    /** Asserts the document has exactly one error and answers it. */
    static Problem oneError(String yaml) {
        DocumentReader.Result r = read(yaml);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).as("errors of\n" + yaml).hasSize(1);
        return r.errors().get(0);
    }

    static Problem oneStepError(String steps) {
        return oneError(build(steps));
    }
}
