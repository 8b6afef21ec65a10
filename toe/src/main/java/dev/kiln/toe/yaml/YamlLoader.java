package dev.kiln.toe.yaml;

import dev.kiln.toe.yaml.YNode.Entry;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads one YAML 1.2 document into a {@link YNode} tree with positions. It works from the parser's
 * event stream with its own stack, so a hostile document (deep nesting, alias bombs, huge size) gets
 * a clear error instead of a stack overflow or a hang.
 */
public final class YamlLoader {

    /** Far above any real component document; AWS caps inline component data at 16,000 characters. */
    public static final int MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;
    public static final int MAX_DEPTH = 64;
    /** Nodes an alias may expand to, in total: stops "billion laughs". */
    private static final int MAX_ALIAS_NODES = 100_000;
    private static final String QUOTE_HINT = " (a {{ }} reference that starts a value must be quoted)";

    private YamlLoader() {
    }

    public static YNode load(String file, String text) throws YamlException {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new YamlException(new Mark(file, 0, 0), String.format(Locale.ROOT,
                    "document is %,d characters; the limit is %,d", text.length(), MAX_DOCUMENT_CHARS));
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setCodePointLimit(MAX_DOCUMENT_CHARS + 1)
                .build();
        try {
            return new Builder(file).build(new Parse(settings).parseString(text).iterator());
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().map(m -> new Mark(file, m.getLine() + 1, m.getColumn() + 1))
                    .orElse(new Mark(file, 0, 0));
            boolean reference = mark.line() > 0 && lineOf(text, mark.line()).contains("{{");
            throw new YamlException(mark, "not valid YAML: " + e.getProblem() + (reference ? QUOTE_HINT : ""));
        } catch (ReaderException e) {
            throw new YamlException(markAt(file, text, e.getPosition()), String.format(
                    "not valid YAML: special character U+%04X is not allowed", e.getCodePoint()));
        } catch (YamlEngineException e) {
            throw new YamlException(new Mark(file, 0, 0), "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static String lineOf(String text, int line) {
        String[] lines = text.split("\n", -1);
        return line <= lines.length ? lines[line - 1] : "";
    }

    /** The line and column of a code point, counted from the start of the text. */
    private static Mark markAt(String file, String text, int codePoints) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int n = 0; n < codePoints && i < text.length(); n++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Mark(file, line, column);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static final class Builder {
        private final String file;
        private final Map<String, YNode> anchors = new HashMap<>();
        private final Deque<Frame> stack = new ArrayDeque<>();
        private int aliasNodes;

        Builder(String file) {
            this.file = file;
        }

        private static final class Frame {
            final Mark mark;
            final boolean mapping;
            final String anchor;
            final List<YNode> items = new ArrayList<>();

            Frame(Mark mark, boolean mapping, String anchor) {
                this.mark = mark;
                this.mapping = mapping;
                this.anchor = anchor;
            }
        }

        YNode build(Iterator<Event> events) throws YamlException {
            YNode root = null;
            int documents = 0;
            while (events.hasNext()) {
                Event event = events.next();
                switch (event.getEventId()) {
                    case DocumentStart -> {
                        documents++;
                        if (documents > 1) {
                            throw new YamlException(mark(event),
                                    "a component file holds exactly one YAML document; found a second one (---)");
                        }
                    }
                    case Scalar -> {
                        ScalarEvent s = (ScalarEvent) event;
                        YNode node = new YScalar(mark(event), s.getValue(), s.getScalarStyle() == ScalarStyle.PLAIN);
                        remember(s, node);
                        root = add(node, root);
                    }
                    case Alias -> {
                        String name = ((AliasEvent) event).getAlias().getValue();
                        YNode node = anchors.get(name);
                        if (node == null) {
                            throw new YamlException(mark(event), "alias *" + name + " names no anchor");
                        }
                        aliasNodes += size(node);
                        if (aliasNodes > MAX_ALIAS_NODES) {
                            throw new YamlException(mark(event), "aliases expand to more than "
                                    + MAX_ALIAS_NODES + " values");
                        }
                        root = add(node, root);
                    }
                    case MappingStart, SequenceStart -> {
                        if (stack.size() >= MAX_DEPTH) {
                            throw new YamlException(mark(event), "nested more than " + MAX_DEPTH + " levels deep");
                        }
                        String anchor = ((CollectionStartEvent) event).getAnchor().map(a -> a.getValue()).orElse(null);
                        stack.push(new Frame(mark(event), event.getEventId() == Event.ID.MappingStart, anchor));
                    }
                    case MappingEnd, SequenceEnd -> {
                        Frame f = stack.pop();
                        YNode node = f.mapping ? mapping(f) : new YList(f.mark, f.items);
                        if (f.anchor != null) {
                            anchors.put(f.anchor, node);
                        }
                        root = add(node, root);
                    }
                    default -> {
                    }
                }
            }
            if (root == null) {
                throw new YamlException(new Mark(file, 1, 1), "the document is empty");
            }
            return root;
        }

        private void remember(NodeEvent event, YNode node) {
            event.getAnchor().ifPresent(a -> anchors.put(a.getValue(), node));
        }

        private YNode add(YNode node, YNode root) {
            if (stack.isEmpty()) {
                return node;
            }
            stack.peek().items.add(node);
            return root;
        }

        private YMap mapping(Frame f) throws YamlException {
            List<Entry> entries = new ArrayList<>(f.items.size() / 2);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i + 1 < f.items.size(); i += 2) {
                YNode key = f.items.get(i);
                if (!(key instanceof YScalar k)) {
                    throw new YamlException(key.mark(), "a mapping key must be a plain name, not " + key.kind()
                            + QUOTE_HINT);
                }
                if (!seen.add(k.text())) {
                    throw new YamlException(k.mark(), "duplicate key '" + k.text() + "'");
                }
                entries.add(new Entry(k, f.items.get(i + 1)));
            }
            return new YMap(f.mark, entries);
        }

        private static int size(YNode node) {
            if (node instanceof YList l) {
                int n = 1;
                for (YNode i : l.items()) {
                    n += size(i);
                }
                return n;
            }
            if (node instanceof YMap m) {
                int n = 1;
                for (Entry e : m.entries()) {
                    n += size(e.value()) + 1;
                }
                return n;
            }
            return 1;
        }

        private Mark mark(Event event) {
            return event.getStartMark()
                    .map(m -> new Mark(file, m.getLine() + 1, m.getColumn() + 1))
                    .orElse(new Mark(file, 0, 0));
        }
    }
}
