package dev.kiln.toe.validate;

import dev.kiln.toe.validate.Problem.Severity;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects problems while a document is read. It knows which phase and step is being read, so the
 * code that finds a problem only says which field and what is wrong.
 */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();
    private String phase;
    private String step;

    public void enterPhase(String phase) {
        this.phase = phase;
        this.step = null;
    }

    public void enterStep(String step) {
        this.step = step;
    }

    public void leave() {
        this.phase = null;
        this.step = null;
    }

    public void error(YNode at, String field, String message) {
        add(Severity.ERROR, at.mark(), field, message);
    }

    public void error(Mark at, String field, String message) {
        add(Severity.ERROR, at, field, message);
    }

    public void warning(YNode at, String field, String message) {
        add(Severity.WARNING, at.mark(), field, message);
    }

    private void add(Severity severity, Mark mark, String field, String message) {
        list.add(new Problem(severity, mark, phase, step, field, message));
    }

    public void addAll(List<Problem> problems) {
        list.addAll(problems);
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Problem::isError);
    }

    public List<Problem> all() {
        return List.copyOf(list);
    }
}
