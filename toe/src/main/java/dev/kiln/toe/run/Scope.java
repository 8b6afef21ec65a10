package dev.kiln.toe.run;

import dev.kiln.toe.expr.Reference;
import dev.kiln.toe.expr.Templates;
import dev.kiln.toe.expr.Templates.UnresolvedReferenceException;
import dev.kiln.toe.yaml.YNode;
import dev.kiln.toe.yaml.YNode.Entry;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values {{ }} references resolve to while a step runs: parameters and constants, earlier steps'
 * inputs and outputs, and the current loop iteration.
 */
final class Scope implements Templates.Resolver {
    private final Map<String, String> variables;
    private final Chaining chaining;
    private final String loopName;
    private final String loopIndex;
    private final String loopValue;
    /** Every chaining expression resolved, for chaining.json. */
    private final Map<String, String> resolved;

    Scope(Map<String, String> variables, Chaining chaining, Map<String, String> resolved) {
        this(variables, chaining, resolved, null, null, null);
    }

    private Scope(Map<String, String> variables, Chaining chaining, Map<String, String> resolved,
                  String loopName, String loopIndex, String loopValue) {
        this.variables = variables;
        this.chaining = chaining;
        this.resolved = resolved;
        this.loopName = loopName;
        this.loopIndex = loopIndex;
        this.loopValue = loopValue;
    }

    Scope inLoop(String name, int index, String value) {
        return new Scope(variables, chaining, resolved, name, Integer.toString(index), value);
    }

    @Override
    public String valueOf(Reference r) throws UnresolvedReferenceException {
        if (r instanceof Reference.Variable v) {
            String value = variables.get(v.name());
            if (value == null) {
                throw new UnresolvedReferenceException(r.raw() + " has no value");
            }
            return value;
        }
        if (r instanceof Reference.LoopVariable lv) {
            if (loopIndex == null || !(lv.loop().equals("loop") || lv.loop().equals(loopName))) {
                return null;
            }
            return lv.property().equals("index") ? loopIndex : loopValue;
        }
        if (r instanceof Reference.StepOutput o) {
            Map<String, String> outputs = chaining.outputs.get(o.phase() + "." + o.step());
            String value = outputs == null ? null : outputs.get(o.name());
            if (value == null) {
                throw new UnresolvedReferenceException(r.raw() + " has no value: step '" + o.step()
                        + "' did not run or did not succeed");
            }
            resolved.put(r.expression(), value);
            return value;
        }
        if (r instanceof Reference.StepInput in) {
            Object inputs = chaining.inputs.get(in.phase() + "." + in.step());
            Object holder = inputs;
            if (inputs instanceof List<?> list) {
                int index = Math.max(0, in.index());
                holder = index < list.size() ? list.get(index) : null;
            }
            Object value = holder instanceof Map<?, ?> m ? m.get(in.name()) : null;
            if (value == null) {
                throw new UnresolvedReferenceException(r.raw() + " has no value: step '" + in.step()
                        + "' did not run or has no such input");
            }
            String text = value instanceof List<?> l ? String.join("\n", l.stream().map(String::valueOf).toList())
                    : value.toString();
            resolved.put(r.expression(), text);
            return text;
        }
        return null;
    }

    /** The tree with every reference in its strings replaced. */
    YNode resolve(YNode node) throws UnresolvedReferenceException {
        if (node instanceof YScalar s) {
            String text = Templates.resolve(s.text(), this);
            return text.equals(s.text()) ? s : new YScalar(s.mark(), text, false);
        }
        if (node instanceof YList l) {
            List<YNode> items = new ArrayList<>(l.items().size());
            for (YNode i : l.items()) {
                items.add(resolve(i));
            }
            return new YList(l.mark(), items);
        }
        YMap m = (YMap) node;
        List<Entry> entries = new ArrayList<>(m.entries().size());
        for (Entry e : m.entries()) {
            entries.add(new Entry(e.key(), resolve(e.value())));
        }
        return new YMap(m.mark(), entries);
    }
}
