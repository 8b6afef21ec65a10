package dev.kiln.toe.document;

import dev.kiln.toe.yaml.YNode;
import java.util.List;

/** A step's loop. {@code name} is null for an unnamed loop, which is referred to as {@code loop}. */
public sealed interface Loop {

    String name();

    /** {@code for: {start, end, updateBy}}: integers from start to end inclusive. */
    record For(String name, long start, long end, long updateBy) implements Loop {
    }

    /** {@code forEach: [a, b, ...]}; items may hold references, resolved when the step runs. */
    record ForEachList(String name, List<YNode> items) implements Loop {
        public ForEachList {
            items = List.copyOf(items);
        }
    }

    /** {@code forEach: {list: "a,b", delimiter: ","}}. */
    record ForEachDelimited(String name, YNode list, char delimiter) implements Loop {
    }
}
