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
 * The file {@code kiln build} reads: an image recipe or a container recipe, its components (documents
 * beside the file) and the infrastructure to build on, in the API's own member names. Problems are
 * reported as {@code file:line:column: message}, all of them at once.
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
 *
 * A container recipe has a Dockerfile template, inline ({@code dockerfileTemplateData}) or in a file
 * beside the build file ({@code dockerfile: Dockerfile.kiln}), and a {@code targetRepository}; the
 * build file's folder is the Dockerfile's context (what COPY and ADD read):
 *
 * <pre>
 * name: hello-container
 * semanticVersion: 1.0.0
 * parentImage: debian-12-container    # a Kiln base image, an image ARN, or host:port/repository:tag
 * dockerfile: Dockerfile.kiln
 * targetRepository: {repositoryName: hello}
 * components:
 *   - path: hello.yaml
 * </pre>
 */
record BuildFile(Path file, String region, ObjectNode recipe, List<Component> components, ObjectNode infrastructure,
                 ObjectNode imageTestsConfiguration, boolean container) {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> TOP = Set.of("name", "semanticVersion", "description", "parentImage",
            "components", "workingDirectory", "additionalInstanceConfiguration", "blockDeviceMappings", "tags",
            "infrastructure", "imageTestsConfiguration", "region", "containerType", "dockerfile",
            "dockerfileTemplateData", "targetRepository");
    private static final Set<String> RECIPE = Set.of("name", "semanticVersion", "description", "parentImage",
            "workingDirectory", "additionalInstanceConfiguration", "blockDeviceMappings", "tags", "containerType",
            "dockerfileTemplateData", "targetRepository");
    private static final Set<String> CONTAINER_ONLY = Set.of("containerType", "dockerfile", "dockerfileTemplateData",
            "targetRepository");
    private static final Set<String> IMAGE_ONLY = Set.of("additionalInstanceConfiguration", "blockDeviceMappings");

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
        boolean container = CONTAINER_ONLY.stream().anyMatch(k -> map.get(k).isPresent());
        if (container) {
            containerRecipe(file, map, recipe, problems);
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
        return new BuildFile(file, region, recipe, components, infrastructure, tests, container);
    }

    /** Checks a container recipe's members and reads its Dockerfile template from a file when named so. */
    private static void containerRecipe(Path file, YNode.YMap map, ObjectNode recipe, List<String> problems) {
        for (String key : IMAGE_ONLY) {
            map.get(key).ifPresent(v -> problems.add(where(file, v.mark()) + "'" + key + "' belongs to image recipes;"
                    + " this build file is a container recipe (it has a Dockerfile template or targetRepository)"));
        }
        YNode dockerfile = map.get("dockerfile").orElse(null);
        if (dockerfile != null && map.get("dockerfileTemplateData").isPresent()) {
            problems.add(where(file, dockerfile.mark()) + "give the Dockerfile template either in a file (dockerfile)"
                    + " or inline (dockerfileTemplateData), not both");
        } else if (dockerfile != null) {
            Path path = file.toAbsolutePath().getParent().resolve(json(dockerfile).asText());
            try {
                recipe.put("dockerfileTemplateData", Files.readString(path));
            } catch (IOException e) {
                problems.add(where(file, dockerfile.mark()) + "cannot read the Dockerfile template " + path
                        + (e instanceof NoSuchFileException ? ": no such file" : ": " + e.getMessage()));
            }
        } else if (map.get("dockerfileTemplateData").isEmpty()) {
            problems.add(where(file, map.mark()) + "a container recipe needs a Dockerfile template: dockerfile (a file"
                    + " beside this one) or dockerfileTemplateData");
        }
        if (map.get("targetRepository").isEmpty()) {
            problems.add(where(file, map.mark()) + "a container recipe needs targetRepository: {repositoryName: NAME}");
        } else if (recipe.path("targetRepository").isObject()) {
            ObjectNode target = (ObjectNode) recipe.get("targetRepository");
            if (!target.has("service")) {
                target.put("service", "ECR");
            }
        }
        if (!recipe.has("containerType")) {
            recipe.put("containerType", "DOCKER");
        }
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
