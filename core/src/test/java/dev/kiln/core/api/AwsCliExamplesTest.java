package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays the AWS CLI's own imagebuilder examples (the {@code .rst} files installed with the CLI)
 * through routing, binding and validation the way the CLI would send them, and checks that their
 * sample outputs use only the model's field names. Every example set found is checked: the one of
 * Debian's awscli package (the v2 CLI, with older examples) and that of a pip-installed CLI (pyenv's);
 * {@code -Dkiln.awscli.examples=DIR} adds another. Fails, naming the package, where none is installed.
 */
class AwsCliExamplesTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final RequestBinder BINDER = new RequestBinder(MODEL);
    private static final ShapeValidator VALIDATOR = new ShapeValidator(MODEL);
    private static final ResponseShaper SHAPER = new ResponseShaper(MODEL);
    private static final String TOKEN = "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222";

    /**
     * Examples whose input breaks the model: those that give {@code --image-recipe-arn} an image recipe ARN
     * with a build number (recipes have none), in get-image-recipe-policy.rst of newer example sets and
     * put-image-recipe-policy.rst of older ones. Found by this rule in each set, with the violation they give.
     */
    private static final Pattern RECIPE_ARN_WITH_BUILD = Pattern.compile(
            "--image-recipe-arn\\s+\\S+:image-recipe/[^/\\s]+/[0-9]+\\.[0-9]+\\.[0-9]+/[0-9]+");
    private static final String RECIPE_ARN_VIOLATION =
            "at 'imageRecipeArn' failed to satisfy constraint: Member must satisfy regular expression";
    /**
     * Examples that pass a flag their command does not have, which the CLI itself refuses; older example
     * sets (Debian's awscli 2.9) give the policy commands of components and recipes the flag of images.
     */
    private static final Map<String, List<String>> UNKNOWN_FLAGS = Map.of(
            "get-image-recipe-policy.rst", List.of("--image-arn"),
            "put-component-policy.rst", List.of("--image-arn"));
    /** Examples whose JSON file is not JSON at all. */
    private static final List<String> BROKEN_JSON = List.of("tag-resource.rst"); // "KeyName: "KeyValue"
    /** Examples whose output does not fit the model, with the mismatches found. */
    private static final Map<String, List<String>> BAD_OUTPUTS = Map.of(
            // shows ListImagePipelines' answer; ListImagePipelineImages answers an imageSummaryList
            "list-image-pipeline-images.rst",
            List.of("imagePipelineList: ListImagePipelineImagesResponse has no member 'imagePipelineList'"));
    /** Examples whose output is not JSON: the policy documents are pasted unescaped (and as "Policy", not "policy"). */
    private static final List<String> BROKEN_OUTPUTS = List.of(
            "get-component-policy.rst", "get-image-policy.rst", "get-image-recipe-policy.rst");

    /** Every installed example set (by real path, each once); fails when there is none. */
    static List<Path> examplesDirs() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("kiln.awscli.examples");
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        for (String root : List.of("/usr/lib/python3/dist-packages", "/usr/share/doc/awscli")) {
            candidates.add(Path.of(root, "awscli", "examples", "imagebuilder"));
            candidates.add(Path.of(root, "examples", "imagebuilder"));
        }
        for (String versions : List.of(System.getProperty("user.home") + "/.pyenv/versions", "/root/.pyenv/versions")) {
            // <versions>/<version>/lib/python3.X/site-packages/awscli/examples/imagebuilder
            for (Path version : children(Path.of(versions))) {
                for (Path python : children(version.resolve("lib"))) {
                    candidates.add(python.resolve("site-packages/awscli/examples/imagebuilder"));
                }
            }
        }
        Set<Path> found = new LinkedHashSet<>();
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                try {
                    found.add(candidate.toRealPath());
                } catch (IOException e) {
                    found.add(candidate);
                }
            }
        }
        if (found.isEmpty()) {
            throw new AssertionError("No AWS CLI imagebuilder examples found (looked at " + candidates + "). Install"
                    + " Debian's awscli package, which ships them in /usr/lib/python3/dist-packages/awscli/examples:"
                    + " apt-get install -y awscli (./kiln test does), or give -Dkiln.awscli.examples=DIR.");
        }
        return List.copyOf(found);
    }

    private static List<Path> children(Path dir) {
        List<Path> children = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
                list.forEach(children::add);
            } catch (IOException e) {
                // unreadable: no candidates here
            }
        }
        children.sort(null);
        return children;
    }

    record Example(String file, Operation operation, String inputText, ObjectNode flags, String outputText,
                   String command, List<String> unknownFlags) {
    }

    static List<Example> examples(Path dir) throws IOException {
        List<Example> examples = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.rst")) {
            for (Path f : files) {
                examples.add(parse(f.getFileName().toString(), Files.readAllLines(f, StandardCharsets.UTF_8)));
            }
        }
        examples.sort((a, b) -> a.file().compareTo(b.file()));
        return examples;
    }

    @Test
    void everyExampleNamesAnOperationOfTheModel() throws IOException {
        for (Path dir : examplesDirs()) {
            List<Example> examples = examples(dir);
            assertThat(examples).as(dir.toString()).hasSizeGreaterThanOrEqualTo(30);
            for (Example e : examples) {
                assertThat(e.operation()).as(dir + "/" + e.file()).isNotNull();
            }
        }
    }

    @Test
    void everyExampleInputRoutesBindsAndValidatesAsTheCliWouldSendIt() throws IOException {
        for (Path dir : examplesDirs()) {
            checkInputs(dir);
        }
    }

    private static void checkInputs(Path dir) throws IOException {
        Map<String, List<String>> problems = new TreeMap<>();
        Map<String, List<String>> unknownFlags = new TreeMap<>();
        Set<String> expectedBad = new TreeSet<>();
        for (Example e : examples(dir)) {
            if (!e.unknownFlags().isEmpty()) {
                unknownFlags.put(e.file(), e.unknownFlags());
                continue;
            }
            if (RECIPE_ARN_WITH_BUILD.matcher(e.command()).find()) {
                expectedBad.add(e.file());
            }
            ObjectNode input;
            if (e.inputText() != null) {
                if (BROKEN_JSON.contains(e.file())) {
                    assertThatThrownBy(() -> TestModels.JSON.readTree(e.inputText())).as(e.file())
                            .isInstanceOf(JsonProcessingException.class);
                    continue;
                }
                input = (ObjectNode) TestModels.JSON.readTree(e.inputText());
            } else {
                input = e.flags();
            }
            List<String> found = sendAsTheCliWould(e.operation(), input);
            if (!found.isEmpty()) {
                problems.put(e.file(), found);
            }
        }
        assertThat(UNKNOWN_FLAGS).as(dir.toString()).containsAllEntriesOf(unknownFlags);
        assertThat(problems.keySet()).as(dir.toString()).isEqualTo(expectedBad);
        problems.forEach((file, found) -> assertThat(found).as(dir + "/" + file)
                .anyMatch(p -> p.contains(RECIPE_ARN_VIOLATION)));
    }

    @Test
    void everyExampleOutputUsesOnlyTheModelsFieldNames() throws IOException {
        for (Path dir : examplesDirs()) {
            checkOutputs(dir);
        }
    }

    private static void checkOutputs(Path dir) throws IOException {
        int checked = 0;
        Map<String, List<String>> problems = new TreeMap<>();
        for (Example e : examples(dir)) {
            if (e.outputText() == null) {
                continue;
            }
            if (BROKEN_OUTPUTS.contains(e.file())) {
                assertThatThrownBy(() -> TestModels.JSON.readTree(e.outputText())).as(e.file())
                        .isInstanceOf(JsonProcessingException.class);
                continue;
            }
            JsonNode output = TestModels.JSON.readTree(e.outputText());
            List<String> mismatches = SHAPER.mismatches(e.operation().outputShape(), output);
            if (mismatches.isEmpty()) {
                assertThat(SHAPER.shape(e.operation(), output)).as(e.file()).isEqualTo(output);
            } else {
                problems.put(e.file(), mismatches);
            }
            checked++;
        }
        assertThat(checked).as(dir.toString()).isGreaterThanOrEqualTo(25);
        assertThat(problems).as(dir.toString()).isEqualTo(BAD_OUTPUTS);
    }

    /** Splits the input into path labels, query and body as botocore does, then routes, binds and validates it. */
    private static List<String> sendAsTheCliWould(Operation op, ObjectNode given) {
        Shape shape = MODEL.shape(op.inputShape());
        ObjectNode body = TestModels.JSON.createObjectNode();
        Map<String, List<String>> query = new HashMap<>();
        String path = op.requestUri();
        if (op.idempotent() && !given.has(op.idempotencyTokenMember())) {
            given.put(op.idempotencyTokenMember(), TOKEN);
        }
        for (Member m : shape.members().values()) {
            JsonNode v = given.get(m.name());
            if (v == null) {
                continue;
            }
            switch (m.location()) {
                case URI -> path = path.replace("{" + m.wireName() + "}",
                        URLEncoder.encode(v.asText(), StandardCharsets.UTF_8).replace("+", "%20"));
                case QUERY -> {
                    List<String> values = new ArrayList<>();
                    if (v.isArray()) {
                        v.forEach(x -> values.add(x.asText()));
                    } else {
                        values.add(v.asText());
                    }
                    query.put(m.wireName(), values);
                }
                case HEADER -> throw new AssertionError("the model has no header members");
                case BODY -> body.set(m.wireName(), v);
            }
        }
        Route route = MODEL.route(op.method(), path).orElseThrow();
        assertThat(route.operation()).isEqualTo(op);
        ObjectNode bound = BINDER.bind(route, query, Map.of(), body.toString().getBytes(StandardCharsets.UTF_8));
        return VALIDATOR.violations(op.inputShape(), bound);
    }

    static Example parse(String file, List<String> lines) {
        List<String> command = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith("aws imagebuilder")) {
                StringBuilder sb = new StringBuilder();
                int j = i;
                String line;
                do {
                    line = lines.get(j++).trim();
                    sb.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
                } while (line.endsWith("\\") && j < lines.size());
                command = tokenize(sb.toString());
                break;
            }
        }
        String opName = pascal(command.get(2));
        Operation op = MODEL.operation(opName).orElse(null);
        ObjectNode flags = TestModels.JSON.createObjectNode();
        List<String> unknownFlags = new ArrayList<>();
        String inputText = null;
        for (int i = 3; i < command.size(); i++) {
            String flag = command.get(i);
            if (!flag.startsWith("--")) {
                continue;
            }
            String value = i + 1 < command.size() ? command.get(++i) : "";
            if (flag.equals("--cli-input-json")) {
                inputText = block(lines, "Contents of ");
            } else {
                String member = camel(flag.substring(2));
                Member m = op == null ? null : MODEL.shape(op.inputShape()).members().get(member);
                if (m == null) {
                    unknownFlags.add(flag);
                }
                if (m != null && MODEL.target(m).type() == Shape.Type.LIST) {
                    flags.putArray(member).add(value);
                } else {
                    flags.set(member, TextNode.valueOf(value));
                }
            }
        }
        return new Example(file, op, inputText, flags, block(lines, "Output::"), String.join(" ", command),
                unknownFlags);
    }

    /** The indented block after the first line that starts with {@code marker} and ends with {@code ::}. */
    private static String block(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.startsWith(marker) && l.endsWith("::")) {
                StringBuilder sb = new StringBuilder();
                for (int j = i + 1; j < lines.size(); j++) {
                    String line = lines.get(j);
                    if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                        break;
                    }
                    sb.append(line).append('\n');
                }
                String text = sb.toString().strip();
                return text.isEmpty() ? null : text;
            }
        }
        return null;
    }

    private static List<String> tokenize(String s) {
        List<String> tokens = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean in = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in = true;
            } else if (Character.isWhitespace(c)) {
                if (in) {
                    tokens.add(cur.toString());
                    cur.setLength(0);
                    in = false;
                }
            } else {
                cur.append(c);
                in = true;
            }
        }
        if (in) {
            tokens.add(cur.toString());
        }
        return tokens;
    }

    private static String pascal(String kebab) {
        StringBuilder sb = new StringBuilder();
        for (String part : kebab.split("-")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }

    private static String camel(String kebab) {
        String p = pascal(kebab);
        return Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }
}
