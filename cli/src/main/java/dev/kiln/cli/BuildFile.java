package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.toe.yaml.Mark;
import dev.kiln.toe.yaml.YNode;
import dev.kiln.toe.yaml.YamlException;
import dev.kiln.toe.yaml.YamlLoader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The file {@code kiln build} reads: an image recipe, its components (documents beside the file) and
 * the infrastructure to build on, in the API's own member names. Problems are reported as
 * {@code file:line:column: message}, all of them at once.
 *
 * <pre>
 * name: hello-web
 * semanticVersion: 1.0.0
 * parentImage: debian-12-x86          # a Kiln base image, an image ARN, or an ami- id
 * components:
 *   - path: hello.yaml                # relative to this file
 *     parameters: {greeting: hi}
 * infrastructure:
 *   instanceTypes: [kiln.sandbox]
 * imageTestsConfiguration: {imageTestsEnabled: true}
 * </pre>
 */
record BuildFile(Path file, String region, ObjectNode recipe, List<Component> components, ObjectNode infrastructure,
                 ObjectNode imageTestsConfiguration) {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> TOP = Set.of("name", "semanticVersion", "description", "parentImage",
            "components", "workingDirectory", "additionalInstanceConfiguration", "blockDeviceMappings", "tags",
            "infrastructure", "imageTestsConfiguration", "region");
    private static final Set<String> RECIPE = Set.of("name", "semanticVersion", "description", "parentImage",
            "workingDirectory", "additionalInstanceConfiguration", "blockDeviceMappings", "tags");

    /** A component document named by the build file. */
    record Component(String name, String document, ObjectNode parameters) {
    }

    static BuildFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new UserError(file + ": not a text file (UTF-8 expected)");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read it: " + e.getMessage());
        }
        YNode root;
        try {
            root = YamlLoader.load(file.toString(), text);
        } catch (YamlException e) {
            throw new UserError(where(file, e.mark()) + e.getMessage());
        }
        if (!(root instanceof YNode.YMap map)) {
            throw new UserError(where(file, root.mark()) + "a build file is a mapping with name, semanticVersion,"
                    + " parentImage, components and infrastructure");
        }
        List<String> problems = new ArrayList<>();
        for (YNode.Entry e : map.entries()) {
            if (!TOP.contains(e.key().text())) {
                problems.add(where(file, e.key().mark()) + "unknown field '" + e.key().text() + "'; a build file has "
                        + String.join(", ", TOP.stream().sorted().toList()));
            }
        }
        for (String required : List.of("name", "semanticVersion", "parentImage")) {
            if (map.get(required).isEmpty()) {
                problems.add(where(file, map.mark()) + "missing '" + required + "'");
            }
        }
        ObjectNode recipe = JSON.objectNode();
        for (String key : RECIPE) {
            map.get(key).ifPresent(v -> recipe.set(key, json(v)));
        }
        List<Component> components = new ArrayList<>();
        YNode list = map.get("components").orElse(null);
        if (list != null && !(list instanceof YNode.YList)) {
            problems.add(where(file, list.mark()) + "components must be a list of {path, parameters}");
        } else if (list != null) {
            for (YNode item : ((YNode.YList) list).items()) {
                component(file, item, problems).ifPresent(components::add);
            }
        }
        ObjectNode infrastructure = map.get("infrastructure").map(BuildFile::json)
                .filter(JsonNode::isObject).map(ObjectNode.class::cast).orElse(JSON.objectNode());
        ObjectNode tests = map.get("imageTestsConfiguration").map(BuildFile::json)
                .filter(JsonNode::isObject).map(ObjectNode.class::cast).orElse(null);
        String region = map.get("region").map(BuildFile::json).map(JsonNode::asText).orElse("us-east-1");
        if (!problems.isEmpty()) {
            throw new UserError(String.join("\n", problems));
        }
        return new BuildFile(file, region, recipe, components, infrastructure, tests);
    }

    private static java.util.Optional<Component> component(Path file, YNode item, List<String> problems) {
        if (!(item instanceof YNode.YMap c) || c.get("path").isEmpty()) {
            problems.add(where(file, item.mark()) + "each component is {path: FILE, parameters: {name: value}}");
            return java.util.Optional.empty();
        }
        String path = c.get("path").map(BuildFile::json).map(JsonNode::asText).orElseThrow();
        Path doc = file.toAbsolutePath().getParent().resolve(path);
        String text;
        try {
            text = Files.readString(doc);
        } catch (IOException e) {
            problems.add(where(file, c.get("path").get().mark()) + "cannot read the component " + doc
                    + (e instanceof NoSuchFileException ? ": no such file" : ": " + e.getMessage()));
            return java.util.Optional.empty();
        }
        String stem = doc.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        String name = stem.replaceAll("[^-_A-Za-z0-9 ]", "-");
        ObjectNode parameters = c.get("parameters").map(BuildFile::json)
                .filter(JsonNode::isObject).map(ObjectNode.class::cast).orElse(JSON.objectNode());
        return java.util.Optional.of(new Component(name, text, parameters));
    }

    private static String where(Path file, Mark mark) {
        return mark == null ? file + ": " : file + ":" + mark.line() + ":" + mark.column() + ": ";
    }

    /** YAML to JSON with YAML 1.2's core types for plain scalars. */
    static JsonNode json(YNode node) {
        if (node instanceof YNode.YMap m) {
            ObjectNode o = JSON.objectNode();
            m.entries().forEach(e -> o.set(e.key().text(), json(e.value())));
            return o;
        }
        if (node instanceof YNode.YList l) {
            ArrayNode a = JSON.arrayNode();
            l.items().forEach(i -> a.add(json(i)));
            return a;
        }
        YNode.YScalar s = (YNode.YScalar) node;
        if (s.plain()) {
            if (s.isNull()) {
                return JSON.nullNode();
            }
            if (s.asBoolean().isPresent()) {
                return JSON.booleanNode(s.asBoolean().get());
            }
            if (s.asLong().isPresent()) {
                return JSON.numberNode(s.asLong().get());
            }
        }
        return JSON.textNode(s.text());
    }
}
