package dev.kiln.toe.document;

import dev.kiln.toe.action.ActionModules;
import dev.kiln.toe.action.InputField;
import dev.kiln.toe.action.InputShape;
import dev.kiln.toe.action.InputType;
import dev.kiln.toe.action.Inputs;
import dev.kiln.toe.action.ModuleSpec;
import dev.kiln.toe.expr.Conditions;
import dev.kiln.toe.expr.Reference;
import dev.kiln.toe.expr.Templates;
import dev.kiln.toe.target.Platform;
import dev.kiln.toe.validate.Problem;
import dev.kiln.toe.validate.Problems;
import dev.kiln.toe.validate.Suggestions;
import dev.kiln.toe.yaml.YNode;
import dev.kiln.toe.yaml.YNode.Entry;
import dev.kiln.toe.yaml.YNode.YList;
import dev.kiln.toe.yaml.YNode.YMap;
import dev.kiln.toe.yaml.YNode.YScalar;
import dev.kiln.toe.yaml.YamlException;
import dev.kiln.toe.yaml.YamlLoader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a component document and checks everything AWSTOE checks before it runs anything: the
 * document's structure, parameters and constants, phases and steps, each action module's inputs,
 * loops, conditions and every {{ }} reference. It reports all problems, each with where it is.
 */
public final class DocumentReader {

    private static final List<String> TOP_LEVEL = List.of("name", "description", "schemaVersion", "parameters",
            "constants", "phases");
    private static final List<String> STEP_FIELDS = List.of("name", "action", "timeoutSeconds", "onFailure",
            "maxAttempts", "if", "loop", "inputs");
    private static final List<String> PHASE_FIELDS = List.of("name", "steps");
    private static final List<String> PARAMETER_FIELDS = List.of("type", "default", "description", "allowedValues");
    private static final List<String> CONSTANT_FIELDS = List.of("type", "value");
    private static final List<String> PARAMETER_TYPES = List.of("string", "integer", "boolean", "stringList");
    private static final Set<String> IMAGE_BUILDER_PHASES = Set.of("build", "validate", "test");
    private static final Set<String> KNOWN_PHASES = Set.of("build", "validate", "test", "container-host-test");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z0-9_-]{3,128}");
    private static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Set<String> ENCODINGS = Set.of("utf8", "utf-8", "utf16", "utf-16", "utf16-le", "utf-16-le",
            "utf16-be", "utf-16-be", "utf32", "utf-32", "utf32-le", "utf-32-le", "utf32-be", "utf-32-be");
    private static final Set<String> HASH_ALGORITHMS = Set.of("md5", "sha1", "sha256", "sha512");
    private static final String DELIMITERS = ".,;:\n\t -_";

    /** The outcome of reading: the document when it has no errors, and every problem found. */
    public record Result(ComponentDocument document, List<Problem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return document != null;
        }

        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }
    }

    private final String file;
    private final Problems problems = new Problems();
    private final Set<String> variables = new HashSet<>();
    /** Steps already read, by phase then name, for checking chaining references. */
    private final Map<String, Map<String, ModuleSpec>> earlierSteps = new LinkedHashMap<>();
    private final Map<String, Map<String, YNode>> earlierInputs = new HashMap<>();

    private DocumentReader(String file) {
        this.file = file;
    }

    public static Result read(String file, String text) {
        DocumentReader reader = new DocumentReader(file);
        ComponentDocument doc = reader.document(text);
        return new Result(reader.problems.hasErrors() ? null : doc, reader.problems.all());
    }

    private ComponentDocument document(String text) {
        YNode root;
        try {
            root = YamlLoader.load(file, text);
        } catch (YamlException e) {
            problems.error(e.mark(), null, e.getMessage());
            return null;
        }
        if (!(root instanceof YMap top)) {
            problems.error(root, null, "a component document is a mapping with schemaVersion and phases, not "
                    + root.kind());
            return null;
        }
        unknownKeys(top, TOP_LEVEL, null, "field");
        String name = optionalString(top, "name");
        String description = optionalString(top, "description");
        schemaVersion(top);
        List<ParameterDefinition> parameters = parameters(top);
        List<ConstantDefinition> constants = constants(top);
        List<Phase> phases = phases(top);
        return new ComponentDocument(file, text, name, description, parameters, constants, phases);
    }

    // ---- top level ---------------------------------------------------------------------------

    private void schemaVersion(YMap top) {
        Optional<YNode> v = top.get("schemaVersion");
        if (v.isEmpty()) {
            problems.error(top, "schemaVersion", "schemaVersion is required (schemaVersion: 1.0)");
            return;
        }
        if (v.get() instanceof YScalar s && isVersionOne(s.text())) {
            return;
        }
        problems.error(v.get(), "schemaVersion", "schemaVersion must be 1.0, not "
                + (v.get() instanceof YScalar s ? "'" + s.text() + "'" : v.get().kind()));
    }

    private static boolean isVersionOne(String text) {
        try {
            return new BigDecimal(text.trim()).compareTo(BigDecimal.ONE) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private List<ParameterDefinition> parameters(YMap top) {
        List<ParameterDefinition> out = new ArrayList<>();
        for (Named n : namedList(top, "parameters")) {
            YMap body = n.body();
            unknownKeys(body, PARAMETER_FIELDS, n.name(), "field of parameter '" + n.name() + "'");
            String field = "parameters." + n.name();
            String type = requiredScalar(body, "type", field + ".type");
            if (type != null && PARAMETER_TYPES.stream().noneMatch(t -> t.equalsIgnoreCase(type))) {
                problems.error(body.get("type").orElseThrow(), field + ".type", "unknown parameter type '" + type
                        + "', expected one of " + String.join(", ", PARAMETER_TYPES)
                        + Suggestions.didYouMean(type, PARAMETER_TYPES));
            }
            String def = scalarOrNull(body, "default", field + ".default");
            String expected = def == null || type == null || Templates.mayContain(def) ? null
                    : switch (type.toLowerCase(Locale.ROOT)) {
                        case "integer" -> def.trim().matches("[-+]?[0-9]+") ? null : "an integer";
                        case "boolean" -> def.equalsIgnoreCase("true") || def.equalsIgnoreCase("false")
                                ? null : "true or false";
                        default -> null;
                    };
            if (expected != null) {
                problems.error(body.get("default").orElseThrow(), field + ".default", "the default of " + type
                        + " parameter '" + n.name() + "' must be " + expected + ", not '" + def + "'");
            }
            List<String> allowed = scalarList(body, "allowedValues", field + ".allowedValues");
            if (def != null && !allowed.isEmpty() && !allowed.contains(def)) {
                problems.error(body.get("default").orElseThrow(), field + ".default", "default '" + def
                        + "' is not one of allowedValues " + allowed);
            }
            out.add(new ParameterDefinition(n.name(), type, def, optionalString(body, "description"), allowed));
        }
        return out;
    }

    private List<ConstantDefinition> constants(YMap top) {
        List<ConstantDefinition> out = new ArrayList<>();
        for (Named n : namedList(top, "constants")) {
            YMap body = n.body();
            String field = "constants." + n.name();
            unknownKeys(body, CONSTANT_FIELDS, n.name(), "field of constant '" + n.name() + "'");
            String type = requiredScalar(body, "type", field + ".type");
            if (type != null && !type.equalsIgnoreCase("string")) {
                problems.error(body.get("type").orElseThrow(), field + ".type",
                        "constants are of type string, not '" + type + "'");
            }
            String value = requiredScalar(body, "value", field + ".value");
            out.add(new ConstantDefinition(n.name(), type, value));
        }
        return out;
    }

    private record Named(String name, YMap body) {
    }

    /** Parameters and constants: a list of one-key mappings, {@code - Name: {type: ..., ...}}. */
    private List<Named> namedList(YMap top, String section) {
        Optional<YNode> node = top.get(section);
        if (node.isEmpty() || (node.get() instanceof YScalar s && s.isNull())) {
            return List.of();
        }
        if (!(node.get() instanceof YList list)) {
            problems.error(node.get(), section, section + " must be a list such as '- Name: {type: string}', not "
                    + node.get().kind());
            return List.of();
        }
        List<Named> out = new ArrayList<>();
        for (YNode item : list.items()) {
            if (!(item instanceof YMap m) || m.entries().size() != 1) {
                problems.error(item, section, "each entry of " + section
                        + " is one name mapped to its fields, e.g. '- MyName: {type: string}'");
                continue;
            }
            Entry e = m.entries().get(0);
            String name = e.key().text();
            if (!VARIABLE_NAME.matcher(name).matches()) {
                problems.error(e.key(), section, "name '" + name
                        + "' must be 3 to 128 letters, digits, '_' or '-'");
            }
            if (!variables.add(name)) {
                problems.error(e.key(), section, "'" + name + "' is defined twice (names are unique across"
                        + " parameters and constants)");
            }
            if (!(e.value() instanceof YMap body)) {
                problems.error(e.value(), section + "." + name, "expected the fields of '" + name + "', not "
                        + e.value().kind());
                continue;
            }
            out.add(new Named(name, body));
        }
        return out;
    }

    // ---- phases and steps -------------------------------------------------------------------

    private List<Phase> phases(YMap top) {
        Optional<YNode> node = top.get("phases");
        if (node.isEmpty()) {
            problems.error(top, "phases", "phases is required");
            return List.of();
        }
        if (!(node.get() instanceof YList list) || list.items().isEmpty()) {
            problems.error(node.get(), "phases", "phases must be a non-empty list of phases");
            return List.of();
        }
        List<Phase> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YNode item : list.items()) {
            if (!(item instanceof YMap m)) {
                problems.error(item, "phases", "a phase is a mapping with name and steps, not " + item.kind());
                continue;
            }
            String name = requiredScalar(m, "name", "name");
            if (name == null) {
                continue;
            }
            problems.enterPhase(name);
            unknownKeys(m, PHASE_FIELDS, null, "field of a phase");
            if (!names.add(name)) {
                problems.error(m.get("name").orElseThrow(), "name", "phase '" + name + "' appears twice");
            } else if (!KNOWN_PHASES.contains(name)) {
                problems.warning(m.get("name").orElseThrow(), "name", "Image Builder runs phases build, validate"
                        + " and test; '" + name + "' runs only when named with --phases"
                        + Suggestions.didYouMean(name, KNOWN_PHASES));
            }
            out.add(new Phase(name, steps(name, m)));
            problems.leave();
        }
        if (!out.isEmpty() && out.stream().noneMatch(p -> IMAGE_BUILDER_PHASES.contains(p.name()))) {
            problems.error(node.get(), "phases", "a document needs at least one of the phases build, validate"
                    + " and test");
        }
        return out;
    }

    private List<Step> steps(String phase, YMap phaseNode) {
        Optional<YNode> node = phaseNode.get("steps");
        if (node.isEmpty() || !(node.get() instanceof YList list) || list.items().isEmpty()) {
            problems.error(node.map(n -> (YNode) n).orElse(phaseNode), "steps", "a phase needs a non-empty list"
                    + " of steps");
            return List.of();
        }
        earlierSteps.putIfAbsent(phase, new LinkedHashMap<>());
        earlierInputs.putIfAbsent(phase, new HashMap<>());
        Set<String> stepNames = new HashSet<>();
        Set<String> loopNames = new HashSet<>();
        List<Step> out = new ArrayList<>();
        for (YNode item : list.items()) {
            if (!(item instanceof YMap m)) {
                problems.error(item, "steps", "a step is a mapping with name, action and inputs, not " + item.kind());
                continue;
            }
            Step step = step(phase, m, stepNames, loopNames);
            if (step != null) {
                out.add(step);
            }
        }
        return out;
    }

    private Step step(String phase, YMap m, Set<String> stepNames, Set<String> loopNames) {
        String name = requiredScalar(m, "name", "name");
        if (name == null) {
            return null;
        }
        problems.enterStep(name);
        try {
            unknownKeys(m, STEP_FIELDS, null, "step field");
            YNode nameNode = m.get("name").orElseThrow();
            if (!STEP_NAME.matcher(name).matches()) {
                problems.error(nameNode, "name", "step names are letters, digits, '_' and '-'");
            }
            if (!stepNames.add(name)) {
                problems.error(nameNode, "name", "step '" + name + "' appears twice in phase '" + phase + "'");
            }
            String action = requiredScalar(m, "action", "action");
            ModuleSpec spec = null;
            if (action != null) {
                spec = ActionModules.get(action).orElse(null);
                if (spec == null) {
                    problems.error(m.get("action").orElseThrow(), "action", "unknown action '" + action + "'"
                            + Suggestions.didYouMean(action, ActionModules.names()));
                }
            }
            long timeout = integerField(m, "timeoutSeconds", Step.DEFAULT_TIMEOUT_SECONDS);
            if (timeout == 0 || timeout < -1) {
                problems.error(m.get("timeoutSeconds").orElseThrow(), "timeoutSeconds",
                        "timeoutSeconds must be a positive number of seconds, or -1 for no limit");
            }
            long attempts = integerField(m, "maxAttempts", 1);
            if (attempts < 1) {
                problems.error(m.get("maxAttempts").orElseThrow(), "maxAttempts", "maxAttempts must be at least 1");
            }
            OnFailure onFailure = onFailure(m);
            if ("ExecuteDocument".equals(action)) {
                if (m.get("timeoutSeconds").isPresent() && timeout != -1) {
                    problems.error(m.get("timeoutSeconds").orElseThrow(), "timeoutSeconds",
                            "ExecuteDocument always runs with timeoutSeconds -1; leave it out");
                }
                if (m.get("maxAttempts").isPresent() && attempts != 1) {
                    problems.error(m.get("maxAttempts").orElseThrow(), "maxAttempts",
                            "ExecuteDocument always runs with maxAttempts 1; leave it out");
                }
                timeout = -1;
            }
            Loop loop = m.get("loop").map(l -> loop(l, loopNames)).orElse(null);
            YNode condition = m.get("if").orElse(null);
            if (condition != null) {
                Conditions.parseIf(condition, problems);
            }
            YNode inputs = m.get("inputs").orElse(null);
            if (spec != null) {
                inputs(spec, inputs, m);
            }
            Set<String> loopScope = new HashSet<>();
            if (m.get("loop").isPresent()) {
                loopScope.add("loop");
                if (loop != null && loop.name() != null) {
                    loopScope.add(loop.name());
                }
            }
            for (YNode n : new YNode[] {inputs, condition, m.get("loop").orElse(null)}) {
                if (n != null) {
                    // The if and the loop itself are read once, before any iteration: no loop variables there.
                    references(phase, n, n == inputs ? loopScope : Set.of(),
                            n == inputs ? "inputs" : n == condition ? "if" : "loop");
                }
            }
            earlierSteps.get(phase).put(name, spec);
            earlierInputs.get(phase).put(name, inputs);
            return new Step(name, action, timeout, onFailure, (int) Math.max(1, Math.min(attempts, Integer.MAX_VALUE)),
                    condition, loop, inputs, m.mark());
        } finally {
            problems.enterStep(null);
        }
    }

    private OnFailure onFailure(YMap m) {
        Optional<YNode> node = m.get("onFailure");
        if (node.isEmpty()) {
            return OnFailure.Abort;
        }
        if (node.get() instanceof YScalar s) {
            for (OnFailure f : OnFailure.values()) {
                if (f.name().equals(s.text())) {
                    return f;
                }
            }
            problems.error(s, "onFailure", "onFailure must be Abort, Continue or Ignore, not '" + s.text() + "'"
                    + Suggestions.didYouMean(s.text(), List.of("Abort", "Continue", "Ignore")));
        } else {
            problems.error(node.get(), "onFailure", "onFailure must be Abort, Continue or Ignore");
        }
        return OnFailure.Abort;
    }

    // ---- inputs -------------------------------------------------------------------------------

    private void inputs(ModuleSpec spec, YNode inputs, YMap step) {
        String module = spec.name();
        if (spec.shape() == InputShape.EXPRESSION) {
            if (inputs == null) {
                problems.error(step, "inputs", module + " needs inputs: a comparison such as {stringEquals: 'a',"
                        + " value: '{{ ... }}'}");
            } else {
                Conditions.parseExpression(inputs, "inputs", problems);
            }
            return;
        }
        if (inputs == null || (inputs instanceof YScalar s && s.isNull())) {
            boolean anyRequired = spec.fields().stream().anyMatch(InputField::required);
            if (spec.shape() == InputShape.LIST || (spec.shape() == InputShape.MAP && anyRequired)) {
                problems.error(step, "inputs", module + " needs inputs" + requiredList(spec));
            }
            return;
        }
        if (spec.shape() == InputShape.LIST) {
            if (inputs instanceof YMap map) {
                problems.warning(map, "inputs", module + " takes a list of inputs; this mapping is read as a"
                        + " list of one");
                fields(spec, map, "inputs");
                return;
            }
            if (!(inputs instanceof YList list) || list.items().isEmpty()) {
                problems.error(inputs, "inputs", module + " takes a non-empty list of inputs, e.g. '- path: ...'");
                return;
            }
            for (int i = 0; i < list.items().size(); i++) {
                YNode item = list.items().get(i);
                if (item instanceof YMap map) {
                    fields(spec, map, "inputs[" + i + "]");
                } else {
                    problems.error(item, "inputs[" + i + "]", "expected a mapping of " + module + " inputs, not "
                            + item.kind());
                }
            }
            return;
        }
        if (!(inputs instanceof YMap map)) {
            problems.error(inputs, "inputs", module + " takes a mapping of inputs" + requiredList(spec) + ", not "
                    + inputs.kind());
            return;
        }
        fields(spec, map, "inputs");
        if (module.equals("ExecutePowerShell")
                && map.get("commands").isPresent() == map.get("file").isPresent()) {
            problems.error(map, "inputs", "ExecutePowerShell takes either commands or file");
        }
    }

    private static String requiredList(ModuleSpec spec) {
        List<String> required = spec.fields().stream().filter(InputField::required).map(InputField::name).toList();
        return required.isEmpty() ? "" : " (" + String.join(", ", required) + ")";
    }

    private void fields(ModuleSpec spec, YMap map, String where) {
        for (Entry e : map.entries()) {
            String key = e.key().text();
            Optional<InputField> field = spec.field(key);
            if (field.isEmpty()) {
                problems.warning(e.key(), where + "." + key, spec.name() + " has no input '" + key + "'; it is"
                        + " ignored" + Suggestions.didYouMean(key, spec.fields().stream().map(InputField::name).toList()));
                continue;
            }
            type(field.get(), e.value(), where + "." + key);
        }
        for (InputField f : spec.fields()) {
            Optional<YNode> v = map.get(f.name());
            if (f.required() && (v.isEmpty() || (v.get() instanceof YScalar s && s.isNull()))) {
                problems.error(map, where + "." + f.name(), spec.name() + " needs input '" + f.name() + "'");
            }
        }
    }

    private void type(InputField field, YNode v, String where) {
        if (v instanceof YScalar s && s.isNull()) {
            return;
        }
        String expected = switch (field.type()) {
            case STRING -> v instanceof YScalar ? null : "a string";
            case BOOLEAN -> scalarMatching(v, t -> t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))
                    ? null : "true or false";
            case INTEGER -> scalarMatching(v, t -> t.trim().matches("[-+]?[0-9]+")) ? null : "an integer";
            case PERMISSIONS -> scalarMatching(v, t -> Inputs.parseMode(t.trim()) != null)
                    ? null : "an octal mode such as '0755'";
            case ENCODING -> scalarMatching(v, t -> ENCODINGS.contains(t.toLowerCase(Locale.ROOT)))
                    ? null : "one of utf8, utf-16, utf-16-LE, utf-16-BE, utf-32, utf-32-LE, utf-32-BE";
            case HASH_ALGORITHM -> scalarMatching(v, t -> HASH_ALGORITHMS.contains(t.toLowerCase(Locale.ROOT)))
                    ? null : "one of MD5, SHA1, SHA256, SHA512";
            case STRING_LIST -> v instanceof YList l && l.items().stream().allMatch(i -> i instanceof YScalar)
                    ? null : "a list of strings";
            case STRING_MAP -> v instanceof YMap m && m.entries().stream().allMatch(e -> e.value() instanceof YScalar)
                    ? null : "a mapping of names to values";
            case NAME_VALUE_LIST -> nameValueList(v) ? null : "a list of {name, value}";
            case ANY -> null;
        };
        if (expected != null) {
            String got = v instanceof YScalar s ? "'" + s.text() + "'" : v.kind();
            problems.error(v, where, "must be " + expected + ", not " + got);
        }
    }

    private static boolean scalarMatching(YNode v, java.util.function.Predicate<String> ok) {
        return v instanceof YScalar s && (Templates.mayContain(s.text()) || ok.test(s.text()));
    }

    private static boolean nameValueList(YNode v) {
        if (!(v instanceof YList l)) {
            return false;
        }
        for (YNode item : l.items()) {
            if (!(item instanceof YMap m) || m.get("name").isEmpty() || m.get("value").isEmpty()
                    || !(m.get("name").get() instanceof YScalar)) {
                return false;
            }
        }
        return true;
    }

    // ---- loops --------------------------------------------------------------------------------

    private Loop loop(YNode node, Set<String> loopNames) {
        if (!(node instanceof YMap m)) {
            problems.error(node, "loop", "loop must be a mapping with for or forEach, not " + node.kind());
            return null;
        }
        unknownKeys(m, List.of("name", "for", "forEach"), null, "loop field");
        String name = scalarOrNull(m, "name", "loop.name");
        if (name != null) {
            YNode at = m.get("name").orElseThrow();
            if (!STEP_NAME.matcher(name).matches()) {
                problems.error(at, "loop.name", "loop names are letters, digits, '_' and '-'");
            } else if (name.equals("loop")) {
                problems.error(at, "loop.name", "'loop' is reserved; it names the current loop");
            } else if (!loopNames.add(name)) {
                problems.error(at, "loop.name", "loop name '" + name + "' is used twice in this phase");
            }
        }
        Optional<YNode> forNode = m.get("for");
        Optional<YNode> forEach = m.get("forEach");
        if (forNode.isPresent() == forEach.isPresent()) {
            problems.error(m, "loop", "a loop has exactly one of for and forEach");
            return null;
        }
        if (forNode.isPresent()) {
            return forLoop(name, forNode.get());
        }
        YNode fe = forEach.get();
        if (fe instanceof YList list) {
            for (YNode item : list.items()) {
                if (!(item instanceof YScalar)) {
                    problems.error(item, "loop.forEach", "forEach items are strings, not " + item.kind());
                }
            }
            if (list.items().isEmpty()) {
                problems.error(fe, "loop.forEach", "forEach needs at least one item");
            }
            return new Loop.ForEachList(name, list.items());
        }
        if (fe instanceof YMap fm) {
            unknownKeys(fm, List.of("list", "delimiter"), null, "forEach field");
            Optional<YNode> list = fm.get("list");
            if (list.isEmpty() || !(list.get() instanceof YScalar)) {
                problems.error(fm, "loop.forEach.list", "forEach needs 'list', a string of items");
                return null;
            }
            char delimiter = ',';
            Optional<YNode> d = fm.get("delimiter");
            if (d.isPresent()) {
                String text = d.get() instanceof YScalar s ? s.text().replace("\\n", "\n").replace("\\t", "\t") : "";
                if (text.length() != 1 || DELIMITERS.indexOf(text.charAt(0)) < 0 || Templates.mayContain(text)) {
                    problems.error(d.get(), "loop.forEach.delimiter", "delimiter must be one of . , ; : \\n \\t"
                            + " space - _");
                } else {
                    delimiter = text.charAt(0);
                }
            }
            return new Loop.ForEachDelimited(name, list.get(), delimiter);
        }
        problems.error(fe, "loop.forEach", "forEach is a list, or {list, delimiter}");
        return null;
    }

    private Loop forLoop(String name, YNode node) {
        if (!(node instanceof YMap m)) {
            problems.error(node, "loop.for", "for must be {start, end, updateBy}");
            return null;
        }
        unknownKeys(m, List.of("start", "end", "updateBy"), null, "for field");
        Long start = loopBound(m, "start");
        Long end = loopBound(m, "end");
        Long by = loopBound(m, "updateBy");
        if (start == null || end == null || by == null) {
            return null;
        }
        if (by == 0) {
            problems.error(m.get("updateBy").orElseThrow(), "loop.for.updateBy", "updateBy must not be 0");
            return null;
        }
        if ((end - start) != 0 && Long.signum(end - start) != Long.signum(by)) {
            problems.error(m, "loop.for", "the loop never ends: counting from " + start + " by " + by
                    + " never reaches " + end);
            return null;
        }
        return new Loop.For(name, start, end, by);
    }

    private Long loopBound(YMap m, String key) {
        Optional<YNode> v = m.get(key);
        if (v.isEmpty()) {
            problems.error(m, "loop.for." + key, "for needs '" + key + "'");
            return null;
        }
        if (v.get() instanceof YScalar s && s.text().trim().matches("[-+]?[0-9]{1,15}")) {
            return Long.parseLong(s.text().trim());
        }
        problems.error(v.get(), "loop.for." + key, key + " must be an integer (references are not allowed here)");
        return null;
    }

    // ---- references ---------------------------------------------------------------------------

    private void references(String phase, YNode node, Set<String> loopScope, String field) {
        if (node instanceof YScalar s) {
            for (Reference r : Templates.references(s.text())) {
                reference(phase, s, r, loopScope, field);
            }
        } else if (node instanceof YList l) {
            for (YNode i : l.items()) {
                references(phase, i, loopScope, field);
            }
        } else if (node instanceof YMap m) {
            for (Entry e : m.entries()) {
                references(phase, e.value(), loopScope, field);
            }
        }
    }

    private void reference(String phase, YScalar at, Reference r, Set<String> loopScope, String field) {
        String raw = r.raw();
        if (r instanceof Reference.Variable v) {
            if (!variables.contains(v.name())) {
                problems.error(at, field, raw + ": no parameter or constant named '" + v.name() + "'"
                        + Suggestions.didYouMean(v.name(), variables));
            }
        } else if (r instanceof Reference.LoopVariable lv) {
            if (!field.equals("inputs")) {
                problems.error(at, field, raw + ": loop variables are usable only in the inputs of the step"
                        + " that has the loop");
            } else if (!loopScope.contains(lv.loop())) {
                problems.error(at, field, raw + ": " + (lv.loop().equals("loop") ? "this step has no loop"
                        : "no loop named '" + lv.loop() + "' on this step")
                        + "; loop variables are usable only inside their own step");
            }
        } else if (r instanceof Reference.StepOutput o) {
            ModuleSpec spec = earlierStep(phase, at, raw, o.phase(), o.step(), field);
            if (spec != null && !spec.outputs().contains(o.name())) {
                problems.error(at, field, raw + ": " + spec.name() + " has no output '" + o.name() + "'"
                        + (spec.outputs().isEmpty() ? " (it has no outputs)"
                        : Suggestions.didYouMean(o.name(), spec.outputs())));
            }
        } else if (r instanceof Reference.StepInput in) {
            ModuleSpec spec = earlierStep(phase, at, raw, in.phase(), in.step(), field);
            if (spec != null) {
                if (spec.shape() != InputShape.EXPRESSION && spec.field(in.name()).isEmpty()) {
                    problems.error(at, field, raw + ": " + spec.name() + " has no input '" + in.name() + "'"
                            + Suggestions.didYouMean(in.name(), spec.fields().stream().map(InputField::name).toList()));
                }
                YNode inputs = earlierInputs.get(in.phase()).get(in.step());
                int size = inputs instanceof YList l ? l.items().size() : 1;
                if (in.index() >= size) {
                    problems.error(at, field, raw + ": step '" + in.step() + "' has " + size + " input"
                            + (size == 1 ? "" : "s") + " (indexes start at 0)");
                }
            }
        } else {
            problems.error(at, field, raw + " is not a reference Kiln knows: expected {{ Name }},"
                    + " {{ phase.step.inputs[0].name }}, {{ phase.step.outputs.name }} or {{ loop.value }}");
        }
    }

    private ModuleSpec earlierStep(String phase, YScalar at, String raw, String refPhase, String step, String field) {
        Map<String, ModuleSpec> steps = earlierSteps.get(refPhase);
        if (steps == null) {
            problems.error(at, field, raw + ": no phase '" + refPhase + "' before this step"
                    + Suggestions.didYouMean(refPhase, earlierSteps.keySet()));
            return null;
        }
        if (!steps.containsKey(step)) {
            problems.error(at, field, raw + ": no step '" + step + "' before this one in phase '" + refPhase + "'"
                    + Suggestions.didYouMean(step, steps.keySet()));
            return null;
        }
        if (phase.equals("test") && !refPhase.equals("test")) {
            problems.warning(at, field, raw + ": Image Builder runs the test phase on a new instance, where"
                    + " values from phase '" + refPhase + "' are not available");
        }
        return steps.get(step);
    }

    // ---- small readers ----------------------------------------------------------------------

    private void unknownKeys(YMap map, List<String> known, String owner, String what) {
        for (Entry e : map.entries()) {
            String key = e.key().text();
            if (!known.contains(key)) {
                problems.error(e.key(), key, "unknown " + what + " '" + key + "'"
                        + Suggestions.didYouMean(key, known));
            }
        }
    }

    private String optionalString(YMap map, String key) {
        return scalarOrNull(map, key, key);
    }

    private String scalarOrNull(YMap map, String key, String field) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty()) {
            return null;
        }
        if (v.get() instanceof YScalar s) {
            return s.isNull() ? null : s.text();
        }
        problems.error(v.get(), field, key + " must be a single value, not " + v.get().kind());
        return null;
    }

    private String requiredScalar(YMap map, String key, String field) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty() || (v.get() instanceof YScalar s && s.isNull())) {
            problems.error(v.map(n -> (YNode) n).orElse(map), field, key + " is required");
            return null;
        }
        return scalarOrNull(map, key, field);
    }

    private List<String> scalarList(YMap map, String key, String field) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof YList l) || !l.items().stream().allMatch(i -> i instanceof YScalar)) {
            problems.error(v.get(), field, key + " must be a list of values");
            return List.of();
        }
        return l.items().stream().map(i -> ((YScalar) i).text()).toList();
    }

    private long integerField(YMap map, String key, long fallback) {
        Optional<YNode> v = map.get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        if (v.get() instanceof YScalar s && s.text().trim().matches("[-+]?[0-9]{1,15}")) {
            return Long.parseLong(s.text().trim());
        }
        problems.error(v.get(), key, key + " must be an integer, not "
                + (v.get() instanceof YScalar s ? "'" + s.text() + "'" : v.get().kind()));
        return fallback;
    }

    /** Problems found for the current platform: a note for each module that cannot run here. */
    public static List<String> platformNotes(ComponentDocument doc, Platform platform) {
        List<String> notes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Phase p : doc.phases()) {
            for (Step s : p.steps()) {
                ModuleSpec spec = ActionModules.get(s.action()).orElseThrow();
                if (!spec.platforms().contains(platform) && seen.add(s.action())) {
                    notes.add(s.action() + " runs only on " + String.join(", ", spec.platforms().stream()
                            .map(Platform::displayName).sorted().toList()));
                }
            }
        }
        return notes;
    }
}
