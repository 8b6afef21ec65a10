package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.Operation;
import dev.kiln.core.api.ServiceModel;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Throws hostile input at every operation of the Image Builder model through a real, in-process
 * {@link KilnServer}, every request correctly signed (by the AWS SDK's own SigV4 signer), so that it
 * gets past authentication and reaches binding, validation and the operations:
 * <ul>
 *   <li>bodies that are not JSON, not an object, truncated, with duplicate keys, trailing content,
 *       invalid UTF-8, a byte-order mark, lone surrogates, raw control characters;</li>
 *   <li>a value of the wrong JSON type at every member of the input, at every depth (strings where
 *       lists go, fractions and out-of-range numbers for integers, ...), and query parameters that
 *       are not of their member's type;</li>
 *   <li>bodies over the 2 MiB limit, which must be refused with 413 <em>early</em>: from
 *       Content-Length, before the body is sent, and after the first 2 MiB of a chunked body;</li>
 *   <li>deep nesting (arrays and objects thousands of levels deep, and just under and over the
 *       binder's limit);</li>
 *   <li>unicode (emoji, right-to-left overrides, NUL, zero-width and combining characters, lone
 *       surrogates) and injection strings (SQL, path traversal, JNDI lookups, HTML, shell, CRLF) in
 *       every string member, query parameter and URI label;</li>
 *   <li>seeded random mutations of a valid request of each operation (members dropped or replaced
 *       by random values, the text truncated, bytes changed or inserted, query parameters dropped,
 *       repeated or replaced).</li>
 * </ul>
 * Every answer must be either a 2xx with a JSON object (the request was valid, however odd), or a
 * 4xx in AWS's wire format: {@code x-amzn-ErrorType} naming an error shape of the model (or one of
 * the protocol-level errors AWS's front door answers: SerializationException, 413, auth errors), the
 * status of that error, and a JSON body with the same {@code __type} and a {@code message}. Never a
 * 5xx. Every answer carries {@code x-amzn-RequestId}. And a refused request changes nothing: for
 * every mutating operation, the database's resources and remembered clientTokens are the same
 * before and after a 4xx (compared row by row through a second connection to the embedded
 * database), and the List operations list as many resources after an operation's refused creates as
 * before.
 *
 * <p>Reproducible: one fixed seed ({@link #SEED}, override with {@code -Dkiln.fuzz.seed=N}), a
 * bounded number of cases per operation and category ({@code -Dkiln.fuzz.scale=N} multiplies
 * them). A failure names the operation, the category and the case, with the request and the answer.
 */
class ApiFuzzIT {
    static final long SEED = Long.getLong("kiln.fuzz.seed", 0x6b696c6eL);
    static final int SCALE = Integer.getInteger("kiln.fuzz.scale", 1);
    static final int MAX_WRONG_TYPES = 40 * SCALE;
    static final int MAX_STRINGS = 40 * SCALE;
    static final int MUTATIONS = 25 * SCALE;
    static final int MAX_BODY = 2 * 1024 * 1024;

    private static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final JsonNode RAW = rawModel();
    private static final JsonNode SHAPES = RAW.path("shapes");
    /** Errors answered by AWS's front door (and Kiln's edge) before an operation is involved. */
    private static final Set<String> PROTOCOL_ERRORS = Set.of("SerializationException",
            "RequestEntityTooLargeException", "UnknownOperationException", "MissingAuthenticationTokenException",
            "IncompleteSignatureException", "InvalidSignatureException", "UnrecognizedClientException");
    private static final Set<String> MODEL_ERRORS = modelErrors();

    /** Hostile strings: unicode and injection. */
    static final List<String> STRINGS = List.of(
            "\uD83D\uDD25\uD83E\uDD84 emoji \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "\u202Egnp.exe\u202C right-to-left override",
            "\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627",
            "nul\u0000inside",
            "\u0000",
            "zero\u200Bwidth\uFEFFjoiners",
            "combining e\u0301\u0301\u0301\u0301",
            "line\r\nX-Injected: 1",
            "' OR 1=1 --",
            "'; DROP TABLE resources; --",
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "${jndi:ldap://x}",
            "${jndi:ldap://127.0.0.1:1389/a}",
            "<script>alert(1)</script>",
            "$(reboot)`id`",
            "{{ build.Step.outputs.stdout }}",
            "%00%ff%zz",
            "",
            " ",
            "x".repeat(6_000));
    /** A string far longer than any the model allows, for bodies only (a URI over 8 KiB is Jetty's to refuse). */
    static final String LONG = "\u00e9".repeat(70_000);

    /** Where names and clientTokens come from: seeded, so that a run can be repeated exactly. */
    static Random ids = new Random(SEED);

    static String id() {
        return new UUID(ids.nextLong(), ids.nextLong()).toString();
    }

    @TempDir
    static Path dataDir;
    static KilnServer server;
    static HttpClient http;
    static String accessKey;
    static String secretKey;
    static Connection db;
    static Fixtures fx;

    /** The resources every base request refers to, made through the API. */
    record Fixtures(String account, String componentBuild, String componentVersion, String imageRecipe,
                    String containerRecipe, String infrastructure, String distribution, String pipeline,
                    String imageBuild, String imageVersion) {
        List<String> arns() {
            return List.of(componentBuild, componentVersion, imageRecipe, containerRecipe, infrastructure, distribution,
                    pipeline, imageBuild, imageVersion,
                    "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = KilnServer.start(ServerConfig.local(dataDir, 0, List.of(REGION)));
        for (String line : Files.readAllLines(server.credentialsFile())) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("aws_access_key_id")) {
                accessKey = kv[1].strip();
            } else if (kv.length == 2 && kv[0].strip().equals("aws_secret_access_key")) {
                secretKey = kv[1].strip();
            }
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        // The same embedded database as the server's, through a connection of its own (H2 shares an
        // open database between the connections of one JVM).
        db = DriverManager.getConnection(Database.h2FileUrl(dataDir));
        fx = makeFixtures();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (db != null) {
            db.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Fixtures makeFixtures() throws Exception {
        String document = "name: fuzz\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Say\n"
                + "        action: ExecuteBash\n        inputs:\n          commands:\n            - echo hello\n";
        ObjectNode c = obj().put("name", "fuzz-component").put("semanticVersion", "1.0.0").put("platform", "Linux")
                .put("data", document).put("clientToken", id());
        String componentBuild = ok("CreateComponent", c).path("componentBuildVersionArn").asText();
        String account = componentBuild.split(":")[4];
        String componentVersion = componentBuild.substring(0, componentBuild.lastIndexOf('/'));
        ObjectNode r = obj().put("name", "fuzz-recipe").put("semanticVersion", "1.0.0")
                .put("parentImage", "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x")
                .put("clientToken", id());
        r.putArray("components").addObject().put("componentArn", componentBuild);
        String imageRecipe = ok("CreateImageRecipe", r).path("imageRecipeArn").asText();
        ObjectNode cr = obj().put("name", "fuzz-container").put("semanticVersion", "1.0.0")
                .put("containerType", "DOCKER")
                .put("parentImage", "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x")
                .put("dockerfileTemplateData", "FROM {{{ imagebuilder:parentImage }}}\n"
                        + "{{{ imagebuilder:environments }}}\n{{{ imagebuilder:components }}}\n")
                .put("clientToken", id());
        cr.putArray("components").addObject().put("componentArn", componentBuild);
        cr.putObject("targetRepository").put("service", "ECR").put("repositoryName", "fuzz");
        String containerRecipe = ok("CreateContainerRecipe", cr).path("containerRecipeArn").asText();
        String infrastructure = ok("CreateInfrastructureConfiguration", obj().put("name", "fuzz-infra")
                .put("instanceProfileName", "kiln").put("clientToken", id()))
                .path("infrastructureConfigurationArn").asText();
        ObjectNode d = obj().put("name", "fuzz-distribution").put("clientToken", id());
        d.putArray("distributions").addObject().put("region", REGION).putObject("amiDistributionConfiguration")
                .put("name", "fuzz-{{ imagebuilder:buildDate }}");
        String distribution = ok("CreateDistributionConfiguration", d).path("distributionConfigurationArn").asText();
        ObjectNode p = obj().put("name", "fuzz-pipeline").put("imageRecipeArn", imageRecipe)
                .put("infrastructureConfigurationArn", infrastructure).put("clientToken", id());
        p.putObject("schedule").put("scheduleExpression", "cron(0 10 * * ? *)");
        String pipeline = ok("CreateImagePipeline", p).path("imagePipelineArn").asText();
        String imageBuild = ok("CreateImage", obj().put("imageRecipeArn", imageRecipe)
                .put("infrastructureConfigurationArn", infrastructure).put("clientToken", id()))
                .path("imageBuildVersionArn").asText();
        String imageVersion = imageBuild.substring(0, imageBuild.lastIndexOf('/'));
        return new Fixtures(account, componentBuild, componentVersion, imageRecipe, containerRecipe, infrastructure,
                distribution, pipeline, imageBuild, imageVersion);
    }

    private static JsonNode ok(String operation, ObjectNode body) throws Exception {
        Req req = Req.of(MODEL.operation(operation).orElseThrow(), "fixture", "valid", Map.of(), null,
                bytes(body.toString()));
        Answer a = send(req);
        assertThat(a.status()).as("%s fixture: %s", operation, a.text()).isEqualTo(200);
        return JSON.readTree(a.body());
    }

    // ---- the cases ------------------------------------------------------------------------------------

    /** One request: the operation, what it tests, and its parts. */
    record Req(Operation op, String category, String label, Map<String, List<String>> query, String uriLabel,
               byte[] body, String method, boolean wireQuery) {
        Req(Operation op, String category, String label, Map<String, List<String>> query, String uriLabel,
            byte[] body, String method) {
            this(op, category, label, query, uriLabel, body, method, false);
        }

        static Req of(Operation op, String category, String label, Map<String, List<String>> query, String uriLabel,
                      byte[] body) {
            return new Req(op, category, label, query, uriLabel, body, op.method());
        }

        /** The same request with its query sent as written (a malformed escape stays malformed). */
        Req withWireQuery() {
            return new Req(op, category, label, query, uriLabel, body, method, true);
        }

        String path() {
            String template = op.requestUri();
            if (!template.contains("{")) {
                return template;
            }
            return template.replaceAll("\\{[^}]+}", Matcher.quoteReplacement(encodePath(uriLabel == null ? ""
                    : uriLabel)));
        }

        String describe() {
            String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + abbreviate(path(), 200) + (query.isEmpty() ? "" : " query " + abbreviate(
                    query.toString(), 300)) + (text.isEmpty() ? "" : " body " + abbreviate(text, 400));
        }
    }

    record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        String text() {
            return status + " " + abbreviate(new String(body, StandardCharsets.UTF_8), 400);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOperationAnswersHostileInputWithModeledClientErrors() {
        // Deletes and untagging last, so that what they remove is not missing for the others.
        List<Operation> ops = new ArrayList<>(MODEL.operations());
        ops.sort((a, b) -> Boolean.compare(destructive(a), destructive(b)));
        assertThat(ops).hasSize(MODEL.operations().size());
        return ops.stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> fuzz(op)));
    }

    static boolean destructive(Operation op) {
        return op.method().equals("DELETE");
    }

    static void fuzz(Operation op) throws Exception {
        Random random = new Random(SEED ^ op.name().hashCode());
        ids = new Random(SEED * 31 + op.name().hashCode());
        Base base = base(op);
        List<Req> cases = new ArrayList<>();
        cases.addAll(malformed(op, base));
        cases.addAll(sample(random, wrongTypes(op, base, random), MAX_WRONG_TYPES));
        cases.addAll(sample(random, hostileStrings(op, base), MAX_STRINGS));
        cases.addAll(deepNesting(op, base));
        cases.addAll(oversized(op, base));
        cases.addAll(mutations(op, base, random));

        Map<String, Integer> listedBefore = listedCounts();
        boolean anyMutationSucceeded = false;
        List<String> failures = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        Set<String> undeclared = new TreeSet<>();
        for (int i = 0; i < cases.size(); i++) {
            Req req = cases.get(i);
            boolean mutating = mutating(op);
            String before = mutating ? snapshot() : null;
            Answer answer;
            try {
                answer = send(req);
            } catch (IOException e) {
                failures.add(where(op, req, i) + ": no answer (" + e + ")\n    request: " + req.describe());
                continue;
            }
            statuses.merge(Integer.toString(answer.status()), 1, Integer::sum);
            String type = answer.header("x-amzn-ErrorType");
            if (type != null && !op.declares(type) && !PROTOCOL_ERRORS.contains(type)) {
                undeclared.add(type);
            }
            String problem = check(op, answer);
            if (problem == null && mutating && answer.status() >= 400 && !before.equals(snapshot())) {
                problem = "a refused request changed the database (partial write)";
            }
            if (mutating && answer.status() < 300) {
                anyMutationSucceeded = true;
            }
            if (problem != null) {
                failures.add(where(op, req, i) + ": " + problem + "\n    request: " + req.describe() + "\n    answer: "
                        + answer.text() + " headers " + answer.headers().keySet());
            }
        }
        if (mutating(op) && !anyMutationSucceeded) {
            Map<String, Integer> listedAfter = listedCounts();
            if (!listedAfter.equals(listedBefore)) {
                failures.add(op.name() + ": every request was refused, yet the List operations now list "
                        + listedAfter + " instead of " + listedBefore);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d cases, answers by status %s%s%n", op.name(), cases.size(), statuses,
                undeclared.isEmpty() ? "" : "; errors of the model that the operation does not declare: " + undeclared);
        assertThat(failures).as("%s: %d of %d cases failed (seed %d)", op.name(), failures.size(), cases.size(), SEED)
                .isEmpty();
    }

    static String where(Operation op, Req req, int index) {
        return op.name() + " [" + req.category() + " #" + index + ": " + req.label() + "]";
    }

    static boolean mutating(Operation op) {
        return !op.method().equals("GET") && !op.name().startsWith("List") && !op.name().startsWith("Get");
    }

    /** What is wrong with an answer, or null. */
    static String check(Operation op, Answer a) {
        if (a.header("x-amzn-RequestId") == null || a.header("x-amzn-RequestId").isBlank()) {
            return "no x-amzn-RequestId";
        }
        if (a.status() >= 500) {
            return "a server error";
        }
        JsonNode body;
        try {
            body = JSON.readTree(a.body());
        } catch (IOException e) {
            return "the body is not JSON";
        }
        if (body == null || !body.isObject()) {
            return "the body is not a JSON object";
        }
        if (a.status() >= 200 && a.status() < 300) {
            return a.header("x-amzn-ErrorType") == null ? null : "a success with x-amzn-ErrorType";
        }
        if (a.status() < 400) {
            return "neither a success nor a client error";
        }
        String type = a.header("x-amzn-ErrorType");
        if (type == null) {
            return "no x-amzn-ErrorType";
        }
        if (!MODEL_ERRORS.contains(type) && !PROTOCOL_ERRORS.contains(type)) {
            return "x-amzn-ErrorType " + type + " is neither an error of the model nor a protocol error";
        }
        if (ErrorType.valueOf(type).status() != a.status()) {
            return "status " + a.status() + " for " + type + ", which is answered with " + ErrorType.valueOf(type).status();
        }
        if (!type.equals(body.path("__type").asText(null))) {
            return "__type '" + body.path("__type").asText(null) + "' differs from x-amzn-ErrorType " + type;
        }
        if (!body.path("message").isTextual() || body.path("message").asText().isBlank()) {
            return "no message";
        }
        return null;
    }

    // ---- base requests --------------------------------------------------------------------------------

    /** A request of an operation, valid where Kiln serves the operation: body members, query, label. */
    record Base(ObjectNode body, Map<String, List<String>> query, String label, ObjectNode skeleton) {
    }

    static Base base(Operation op) {
        JsonNode input = op.inputShape() == null ? null : SHAPES.path(op.inputShape());
        ObjectNode all = input == null ? obj() : (ObjectNode) valid(op.inputShape(), "", true, 0);
        ObjectNode required = input == null ? obj() : (ObjectNode) valid(op.inputShape(), "", false, 0);
        ObjectNode body = switch (op.name()) {
            case "CreateComponent" -> obj().put("name", "fuzz-c-" + id().substring(0, 8))
                    .put("semanticVersion", "2.0.0").put("platform", "Linux")
                    .put("description", "fuzzed").put("data", "name: x\nschemaVersion: 1.0\nphases:\n  - name: test\n"
                            + "    steps:\n      - name: T\n        action: ExecuteBash\n        inputs:\n"
                            + "          commands:\n            - 'true'\n")
                    .put("clientToken", id());
            case "CreateImageRecipe" -> {
                ObjectNode r = obj().put("name", "fuzz-r-" + id().substring(0, 8))
                        .put("semanticVersion", "1.x.x")
                        .put("parentImage", "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x")
                        .put("clientToken", id());
                r.putArray("components").addObject().put("componentArn", fx.componentVersion());
                yield r;
            }
            case "CreateDistributionConfiguration", "UpdateDistributionConfiguration" -> {
                ObjectNode d = op.name().startsWith("Create")
                        ? obj().put("name", "fuzz-d-" + id().substring(0, 8))
                        : obj().put("distributionConfigurationArn", fx.distribution());
                d.put("clientToken", id());
                d.putArray("distributions").addObject().put("region", REGION)
                        .putObject("amiDistributionConfiguration").put("name", "fuzz-{{ imagebuilder:buildDate }}");
                yield d;
            }
            case "CreateImagePipeline", "UpdateImagePipeline" -> {
                ObjectNode p = op.name().startsWith("Create")
                        ? obj().put("name", "fuzz-p-" + id().substring(0, 8))
                        : obj().put("imagePipelineArn", fx.pipeline());
                p.put("imageRecipeArn", fx.imageRecipe()).put("infrastructureConfigurationArn", fx.infrastructure())
                        .put("clientToken", id());
                p.putObject("schedule").put("scheduleExpression", "rate(1 day)").put("timezone", "Europe/Paris");
                yield p;
            }
            case "CreateImage" -> obj().put("imageRecipeArn", fx.imageRecipe())
                    .put("infrastructureConfigurationArn", fx.infrastructure()).put("clientToken", id());
            case "CreateContainerRecipe" -> {
                ObjectNode cr = obj().put("name", "fuzz-cr-" + id().substring(0, 8))
                        .put("semanticVersion", "1.0.0").put("containerType", "DOCKER")
                        .put("parentImage", "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x")
                        .put("dockerfileTemplateData", "FROM {{{ imagebuilder:parentImage }}}\n"
                                + "{{{ imagebuilder:components }}}\n")
                        .put("clientToken", id());
                cr.putArray("components").addObject().put("componentArn", fx.componentBuild());
                cr.putObject("targetRepository").put("service", "ECR").put("repositoryName", "fuzz");
                yield cr;
            }
            default -> bodyMembers(op, required);
        };
        Map<String, List<String>> query = new LinkedHashMap<>();
        String label = null;
        if (input != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = input.path("members").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                String location = m.getValue().path("location").asText("");
                JsonNode value = required.get(m.getKey());
                if (location.equals("uri")) {
                    label = value == null ? "x" : value.asText();
                } else if (location.equals("querystring") && value != null) {
                    List<String> values = new ArrayList<>();
                    if (value.isArray()) {
                        value.forEach(v -> values.add(v.asText()));
                    } else {
                        values.add(value.asText());
                    }
                    query.put(m.getValue().path("locationName").asText(m.getKey()), values);
                }
            }
        }
        ObjectNode skeleton = bodyMembers(op, all);
        skeleton.setAll(body);
        return new Base(body, query, label, skeleton);
    }

    /** Only the members that travel in the body. */
    static ObjectNode bodyMembers(Operation op, ObjectNode input) {
        ObjectNode out = obj();
        if (op.inputShape() == null) {
            return out;
        }
        JsonNode members = SHAPES.path(op.inputShape()).path("members");
        input.fields().forEachRemaining(e -> {
            if (!members.path(e.getKey()).has("location")) {
                out.set(members.path(e.getKey()).path("locationName").asText(e.getKey()), e.getValue());
            }
        });
        return out;
    }

    /** A value of a shape, valid where the candidates allow: required members only, or all of them. */
    static JsonNode valid(String shapeName, String member, boolean allMembers, int depth) {
        JsonNode shape = SHAPES.path(shapeName);
        switch (shape.path("type").asText()) {
            case "structure": {
                ObjectNode o = obj();
                Set<String> required = new TreeSet<>();
                shape.path("required").forEach(r -> required.add(r.asText()));
                for (Iterator<Map.Entry<String, JsonNode>> it = shape.path("members").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = it.next();
                    if (required.contains(m.getKey()) || allMembers && depth < 3) {
                        o.set(m.getKey(), valid(m.getValue().path("shape").asText(), m.getKey(), allMembers, depth + 1));
                    }
                }
                return o;
            }
            case "list": {
                ArrayNode a = NODES.arrayNode();
                a.add(valid(shape.path("member").path("shape").asText(), member, allMembers, depth + 1));
                return a;
            }
            case "map": {
                ObjectNode o = obj();
                o.set("fuzz-key", valid(shape.path("value").path("shape").asText(), member, allMembers, depth + 1));
                return o;
            }
            case "boolean":
                return NODES.booleanNode(false);
            case "integer":
            case "long":
                return NODES.numberNode(shape.has("min") ? Math.max(1, shape.path("min").asLong()) : 1);
            case "float":
            case "double":
                return NODES.numberNode(1.0);
            case "timestamp":
                return NODES.numberNode(1_767_225_600L);
            default:
                return NODES.textNode(validString(shape, member));
        }
    }

    static String validString(JsonNode shape, String member) {
        if (shape.has("enum")) {
            return shape.path("enum").get(0).asText();
        }
        List<String> candidates = new ArrayList<>();
        String m = member.toLowerCase(Locale.ROOT);
        if (m.equals("clienttoken")) {
            candidates.add(id());
        }
        if (m.contains("version") && !m.contains("arn")) {
            candidates.add("1.0.0");
        }
        if (m.equals("name")) {
            candidates.add("fuzz-" + id().substring(0, 8));
        }
        if (m.contains("component")) {
            candidates.add(fx.componentBuild());
        }
        if (m.contains("image") && m.contains("build")) {
            candidates.add(fx.imageBuild());
        }
        if (m.contains("pipeline")) {
            candidates.add(fx.pipeline());
        }
        candidates.addAll(fx.arns());
        candidates.addAll(List.of("us-east-1", "Linux", "m5.large", "kiln", "cron(0 10 * * ? *)", "Etc/UTC",
                "arn:aws:iam::123456789012:role/fuzz", "s3://bucket/key", "123456789012", "fuzz-value",
                "wf-12345678-1234-1234-1234-123456789012", "step-12345678-1234-1234-1234-123456789012",
                "lce-12345678-1234-1234-1234-123456789012", "1.0.0", "x.x.x", "a1", "fuzz"));
        Pattern pattern = null;
        if (shape.has("pattern")) {
            try {
                pattern = Pattern.compile(shape.path("pattern").asText());
            } catch (PatternSyntaxException e) {
                pattern = null;
            }
        }
        int min = shape.path("min").asInt(0);
        int max = shape.path("max").asInt(Integer.MAX_VALUE);
        for (String c : candidates) {
            if (c.length() >= min && c.length() <= max && (pattern == null || pattern.matcher(c).matches())) {
                return c;
            }
        }
        return "a".repeat(Math.max(1, min));
    }

    // ---- malformed bodies -----------------------------------------------------------------------------

    static List<Req> malformed(Operation op, Base base) {
        List<byte[]> bodies = new ArrayList<>();
        for (String s : List.of("{", "}", "{\"a\":", "[]", "[{}]", "\"text\"", "123", "null", "true",
                "{\"name\":\"a\",\"name\":\"b\"}", "{} {}", "{}garbage", "{'name':'single quotes'}", "{\"a\":NaN}",
                "{\"a\":01}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":\"\\x41\"}", "{\"a\":1e999999}", "{\"a\":-}",
                "{\"a\":\"unterminated}", "{\"a\":\"raw\u0001control\"}", "{\"a\":\"lone \\ud800 surrogate\"}",
                "{\"a\":\"\\u0000\"}", "\u0000", "/* comment */ {}", "{\"a\":[1,2,3,]}", "{\"a\":.5}",
                "{\"a\":+1}", "{\"a\":0x10}", "{\"a\":Infinity}", "{\"a\":true false}")) {
            bodies.add(bytes(s));
        }
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'});
        bodies.add(concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, bytes(base.body().toString())));
        bodies.add(bytes(" ".repeat(1_000_000) + base.body()));
        // The valid body with every string value given a lone surrogate escape, and every key repeated.
        bodies.add(bytes(base.body().toString().replaceAll("\":\"", "\":\"\\\\udc00")));
        String text = base.body().toString();
        if (text.length() > 2) {
            bodies.add(bytes(text.substring(0, text.length() - 1) + "," + text.substring(1)));
        }
        List<Req> out = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            out.add(new Req(op, "malformed JSON", "body " + i, base.query(), base.label(), bodies.get(i), op.method()));
        }
        // A query whose percent-encoding is broken (signed as the SDK would sign the raw text).
        if (!base.query().isEmpty()) {
            Map<String, List<String>> q = new LinkedHashMap<>(base.query());
            String first = q.keySet().iterator().next();
            q.put(first, List.of("%zz%"));
            out.add(new Req(op, "malformed query", "bad percent-encoding", q, base.label(), bytes(base.body().toString()),
                    op.method()).withWireQuery());
        }
        return out;
    }

    // ---- wrong types ----------------------------------------------------------------------------------

    /** Every member path of the skeleton body (and query member) with values of the wrong JSON type. */
    static List<Req> wrongTypes(Operation op, Base base, Random random) {
        List<Req> out = new ArrayList<>();
        if (op.inputShape() == null) {
            return out;
        }
        JsonNode input = SHAPES.path(op.inputShape());
        // Body members, at every depth of the skeleton.
        List<String[]> paths = new ArrayList<>();
        collectPaths(op.inputShape(), base.skeleton(), new ArrayList<>(), paths, 0);
        for (String[] p : paths) {
            String shape = p[p.length - 1];
            String[] path = Arrays.copyOf(p, p.length - 1);
            for (JsonNode wrong : wrongValues(SHAPES.path(shape).path("type").asText(), random)) {
                ObjectNode body = base.skeleton().deepCopy();
                set(body, path, wrong);
                out.add(new Req(op, "wrong type", String.join(".", path) + " = " + abbreviate(wrong.toString(), 40),
                        base.query(), base.label(), bytes(body.toString()), op.method()));
            }
        }
        // Query members: text that is not of the member's type.
        for (Iterator<Map.Entry<String, JsonNode>> it = input.path("members").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().path("location").asText("").equals("querystring")) {
                continue;
            }
            String type = SHAPES.path(m.getValue().path("shape").asText()).path("type").asText();
            String wire = m.getValue().path("locationName").asText(m.getKey());
            List<String> values = switch (type) {
                case "integer", "long" -> List.of("abc", "1.5", "99999999999999999999", "", "-");
                case "boolean" -> List.of("maybe", "1", "");
                case "list" -> List.of("", "\u0000");
                default -> List.of("", "[]", "{}");
            };
            for (String v : values) {
                Map<String, List<String>> q = new LinkedHashMap<>(base.query());
                q.put(wire, List.of(v));
                out.add(new Req(op, "wrong type", "query " + wire + " = '" + v + "'", q, base.label(),
                        bytes(base.body().toString()), op.method()));
            }
        }
        return out;
    }

    /** Paths of the skeleton's members ({@code [name, ..., shapeName]}), list elements as "0", map values as their key. */
    static void collectPaths(String shapeName, JsonNode value, List<String> path, List<String[]> out, int depth) {
        JsonNode shape = SHAPES.path(shapeName);
        if (!path.isEmpty()) {
            List<String> p = new ArrayList<>(path);
            p.add(shapeName);
            out.add(p.toArray(new String[0]));
        }
        if (depth > 6 || value == null) {
            return;
        }
        switch (shape.path("type").asText()) {
            case "structure" -> shape.path("members").fields().forEachRemaining(m -> {
                if (m.getValue().has("location")) {
                    return;
                }
                String wire = m.getValue().path("locationName").asText(m.getKey());
                List<String> p = new ArrayList<>(path);
                p.add(wire);
                collectPaths(m.getValue().path("shape").asText(), value.get(wire), p, out, depth + 1);
            });
            case "list" -> {
                if (value.isArray() && !value.isEmpty()) {
                    List<String> p = new ArrayList<>(path);
                    p.add("0");
                    collectPaths(shape.path("member").path("shape").asText(), value.get(0), p, out, depth + 1);
                }
            }
            case "map" -> {
                if (value.isObject() && value.size() > 0) {
                    List<String> p = new ArrayList<>(path);
                    p.add(value.fieldNames().next());
                    collectPaths(shape.path("value").path("shape").asText(), value.elements().next(), p, out, depth + 1);
                }
            }
            default -> {
            }
        }
    }

    /** Two or three values of the wrong JSON type for a shape type (one always, the rest picked at random). */
    static List<JsonNode> wrongValues(String type, Random random) {
        List<JsonNode> all = switch (type) {
            case "string", "blob" -> List.of(NODES.numberNode(123), NODES.booleanNode(true), NODES.arrayNode(), obj(),
                    NODES.numberNode(1.5));
            case "boolean" -> List.of(NODES.textNode("true"), NODES.numberNode(1), NODES.arrayNode(), obj());
            case "integer", "long" -> List.of(NODES.textNode("1"), NODES.numberNode(1.5),
                    NODES.numberNode(new java.math.BigDecimal("1e30")),
                    NODES.numberNode(new java.math.BigInteger("9223372036854775808")), NODES.booleanNode(true),
                    NODES.arrayNode(), obj());
            case "float", "double" -> List.of(NODES.textNode("abc"), NODES.booleanNode(true), NODES.arrayNode(), obj());
            case "timestamp" -> List.of(NODES.textNode("2020-01-01"), NODES.booleanNode(true), obj());
            case "list" -> List.of(NODES.textNode("x"), obj(), NODES.numberNode(1), NODES.arrayNode().addNull(),
                    NODES.arrayNode().add(NODES.arrayNode()));
            case "map" -> List.of(NODES.textNode("x"), NODES.arrayNode(), obj().putNull("k"),
                    obj().set("k", NODES.arrayNode().add(obj())));
            default -> List.of(NODES.textNode("x"), NODES.arrayNode(), NODES.numberNode(1));
        };
        List<JsonNode> out = new ArrayList<>();
        out.add(all.get(0));
        int second = 1 + random.nextInt(all.size() - 1);
        out.add(all.get(second));
        return out;
    }

    // ---- unicode and injection ------------------------------------------------------------------------

    /** Every hostile string at every string member of the skeleton, query parameter and URI label. */
    static List<Req> hostileStrings(Operation op, Base base) {
        List<Req> out = new ArrayList<>();
        if (op.inputShape() == null) {
            return out;
        }
        List<String[]> paths = new ArrayList<>();
        collectPaths(op.inputShape(), base.body(), new ArrayList<>(), paths, 0);
        for (String[] p : paths) {
            String type = SHAPES.path(p[p.length - 1]).path("type").asText();
            if (!type.equals("string")) {
                continue;
            }
            String[] path = Arrays.copyOf(p, p.length - 1);
            for (String s : concat(STRINGS, LONG)) {
                ObjectNode body = base.body().deepCopy();
                set(body, path, NODES.textNode(s));
                out.add(new Req(op, "unicode/injection", String.join(".", path) + " = " + abbreviate(s, 30),
                        base.query(), base.label(), bytes(body.toString()), op.method()));
            }
        }
        for (String name : base.query().keySet()) {
            for (String s : STRINGS) {
                Map<String, List<String>> q = new LinkedHashMap<>(base.query());
                q.put(name, List.of(s));
                out.add(new Req(op, "unicode/injection", "query " + name + " = " + abbreviate(s, 30), q, base.label(),
                        bytes(base.body().toString()), op.method()));
            }
        }
        if (base.label() != null) {
            for (String s : STRINGS) {
                if (s.indexOf('\u0000') >= 0 || s.contains("%") || s.contains("../")) {
                    // Jetty refuses a NUL, a malformed escape or a dot segment in the path before the
                    // API sees it; see jettyRefusesSomePathsInItsOwnFormat below.
                    continue;
                }
                out.add(new Req(op, "unicode/injection", "label = " + abbreviate(s, 30), base.query(), s,
                        bytes(base.body().toString()), op.method()));
                out.add(new Req(op, "unicode/injection", "label = arn + " + abbreviate(s, 30), base.query(),
                        base.label() + s, bytes(base.body().toString()), op.method()));
            }
        }
        // Map keys (tags) with hostile text.
        if (base.skeleton().has("tags")) {
            for (String s : STRINGS) {
                ObjectNode body = base.body().deepCopy();
                body.putObject("tags").put(s, "v");
                out.add(new Req(op, "unicode/injection", "tags key = " + abbreviate(s, 30), base.query(), base.label(),
                        bytes(body.toString()), op.method()));
            }
        }
        return out;
    }

    // ---- deep nesting ---------------------------------------------------------------------------------

    static List<Req> deepNesting(Operation op, Base base) {
        List<Req> out = new ArrayList<>();
        String firstMember = base.skeleton().size() > 0 ? base.skeleton().fieldNames().next() : "a";
        for (int depth : new int[] {62, 63, 64, 65, 5_000, 100_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            ObjectNode rest = base.body().deepCopy();
            rest.remove(firstMember);
            String text = rest.toString();
            String inner = "\"" + firstMember + "\":" + arrays;
            String body = text.equals("{}") ? "{" + inner + "}" : "{" + inner + "," + text.substring(1);
            out.add(new Req(op, "deep nesting", "arrays " + depth + " deep at " + firstMember, base.query(),
                    base.label(), bytes(body), op.method()));
            text = base.body().toString();
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            String unknown = text.equals("{}") ? "{\"unknown\":" + objects + "}"
                    : "{\"unknown\":" + objects + "," + text.substring(1);
            out.add(new Req(op, "deep nesting", "objects " + depth + " deep in an unknown member", base.query(),
                    base.label(), bytes(unknown), op.method()));
        }
        if (base.skeleton().has("tags")) {
            ObjectNode body = base.body().deepCopy();
            ObjectNode at = body.putObject("tags");
            for (int i = 0; i < 40; i++) {
                at = at.putObject("k" + i);
            }
            out.add(new Req(op, "deep nesting", "tags 40 deep", base.query(), base.label(), bytes(body.toString()),
                    op.method()));
        }
        return out;
    }

    // ---- oversized bodies -----------------------------------------------------------------------------

    static List<Req> oversized(Operation op, Base base) {
        List<Req> out = new ArrayList<>();
        String filler = base.skeleton().size() > 0 ? base.skeleton().fieldNames().next() : "description";
        // Exactly at the limit: not refused for its size.
        out.add(new Req(op, "huge body", "exactly 2 MiB", base.query(), base.label(), sized(filler, MAX_BODY),
                op.method()));
        // One byte over, sent whole: 413.
        out.add(new Req(op, "huge body", "2 MiB + 1", base.query(), base.label(), sized(filler, MAX_BODY + 1),
                op.method()));
        return out;
    }

    /** A JSON object of exactly n bytes: one string member padded with 'a'. */
    static byte[] sized(String member, int n) {
        String head = "{\"" + member + "\":\"";
        String tail = "\"}";
        return bytes(head + "a".repeat(n - head.length() - tail.length()) + tail);
    }

    @Test
    void oversizedBodiesAreRefusedEarlyWith413() throws Exception {
        for (Operation op : MODEL.operations()) {
            // Content-Length over the limit and the first 64 KiB of the body: the answer comes while
            // the rest is still to be sent.
            long size = MAX_BODY + 1L + (op.name().hashCode() & 0xfffff);
            Answer early = raw(op, Mode.FIRST_BYTES, size);
            assertThat(early.status()).as("%s: Content-Length over the limit, 64 KiB sent", op.name()).isEqualTo(413);
            assertThat(check(op, early)).as("%s: %s", op.name(), early.text()).isNull();
            assertThat(early.header("x-amzn-ErrorType")).isEqualTo("RequestEntityTooLargeException");
            // With Expect: 100-continue, before one byte of the body.
            Answer expect = raw(op, Mode.EXPECT_CONTINUE, size);
            assertThat(expect.status()).as("%s: Content-Length over the limit, Expect: 100-continue", op.name())
                    .isEqualTo(413);
            assertThat(check(op, expect)).as("%s: %s", op.name(), expect.text()).isNull();
        }
        // Chunked, no Content-Length: refused once the first 2 MiB have arrived, the body unfinished.
        for (String name : List.of("CreateComponent", "ListComponents", "TagResource", "GetComponent")) {
            Operation op = MODEL.operation(name).orElseThrow();
            Answer chunked = raw(op, Mode.CHUNKED, 32L * MAX_BODY);
            assertThat(chunked.status()).as("%s: chunked body over the limit", name).isEqualTo(413);
            assertThat(check(op, chunked)).as("%s: %s", name, chunked.text()).isNull();
        }
    }

    enum Mode { FIRST_BYTES, EXPECT_CONTINUE, CHUNKED }

    /**
     * Sends a signed request announcing a huge body over a raw socket and reads the answer: with
     * {@code Content-Length} and only the first 64 KiB sent, or with {@code Expect: 100-continue} and
     * nothing sent, or chunked, with the first 2 MiB + 256 KiB sent and the body left unfinished (no
     * last chunk). The answer must come all the same. (Jetty dispatches a request once its first body bytes arrive,
     * or at once when the client expects 100-continue: a client that announces a body and sends none
     * of it waits for its idle timeout.)
     */
    static Answer raw(Operation op, Mode mode, long size) throws Exception {
        String path = op.requestUri().replaceAll("\\{[^}]+}", Matcher.quoteReplacement(encodePath(fx.componentBuild())));
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().protocol("http").host("127.0.0.1")
                .port(server.port()).method(SdkHttpMethod.fromValue(op.method())).encodedPath(path)
                .putHeader("Content-Type", "application/json");
        // Signed over the body it announces (size bytes of 'a'), which is never sent in full.
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(b.build())
                .payload(() -> new Filler(size))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "imagebuilder")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)).request();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(op.method() + " " + path + " HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
            signed.headers().forEach((k, vs) -> {
                if (!k.equalsIgnoreCase("Host")) {
                    vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n"));
                }
            });
            head.append(mode == Mode.CHUNKED ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n");
            if (mode == Mode.EXPECT_CONTINUE) {
                head.append("Expect: 100-continue\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (mode == Mode.FIRST_BYTES) {
                out.write(new byte[64 * 1024]);
                out.flush();
            }
            if (mode != Mode.CHUNKED) {
                return readAnswer(socket.getInputStream());
            }
            byte[] chunk = ("10000\r\n" + "a".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            Thread writer = new Thread(() -> {
                try {
                    for (long sent = 0; sent < MAX_BODY + 0x40000L && sent < size; sent += 0x10000) {
                        out.write(chunk);
                    }
                    out.flush();
                } catch (IOException e) {
                    // The server answered and closed the connection.
                }
            });
            writer.setDaemon(true);
            writer.start();
            Answer answer = readAnswer(socket.getInputStream());
            socket.close();
            writer.join(10_000);
            return answer;
        }
    }

    /** {@code size} bytes of 'a'. */
    static final class Filler extends InputStream {
        private long left;

        Filler(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 'a' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 'a');
            left -= n;
            return n;
        }
    }

    static Answer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException e) {
                throw new IOException("no answer within the timeout (the server waited for the body?)", e);
            }
            if (c < 0) {
                throw new IOException("connection closed before an answer");
            }
            headBytes.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (c == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        int status = Integer.parseInt(statusLine[1]);
        if (status == 100) {
            return readAnswer(in);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int length = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).strip();
                String value = lines[i].substring(colon + 1).strip();
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                }
            }
        }
        return new Answer(status, headers, in.readNBytes(length));
    }

    // ---- random mutations -----------------------------------------------------------------------------

    static List<Req> mutations(Operation op, Base base, Random random) {
        List<Req> out = new ArrayList<>();
        for (int i = 0; i < MUTATIONS; i++) {
            ObjectNode body = base.body().deepCopy();
            Map<String, List<String>> query = new LinkedHashMap<>(base.query());
            String label = base.label();
            List<String> applied = new ArrayList<>();
            byte[] bytes = null;
            int count = 1 + random.nextInt(3);
            for (int k = 0; k < count; k++) {
                int kind = random.nextInt(10);
                switch (kind) {
                    case 0 -> applied.add("drop " + dropRandom(body, random));
                    case 1, 2 -> applied.add("replace " + replaceRandom(body, random));
                    case 3 -> {
                        String name = "unknown" + random.nextInt(100);
                        body.set(name, randomValue(random, 0));
                        applied.add("add " + name);
                    }
                    case 4 -> {
                        if (!query.isEmpty()) {
                            String name = pick(random, new ArrayList<>(query.keySet()));
                            query.put(name, List.of(randomString(random)));
                            applied.add("query " + name + " replaced");
                        } else if (label != null) {
                            label = label + randomString(random).replace("\u0000", "").replace("%", "")
                                    .replace("..", "");
                            applied.add("label extended");
                        }
                    }
                    case 5 -> {
                        if (!query.isEmpty()) {
                            String name = pick(random, new ArrayList<>(query.keySet()));
                            if (random.nextBoolean()) {
                                query.remove(name);
                                applied.add("query " + name + " dropped");
                            } else {
                                query.put(name, List.of(query.get(name).get(0), randomString(random)));
                                applied.add("query " + name + " repeated");
                            }
                        }
                    }
                    default -> {
                        byte[] b = bytes != null ? bytes : bytes(body.toString());
                        bytes = mutateBytes(b, random);
                        applied.add("bytes mutated");
                    }
                }
            }
            out.add(new Req(op, "mutation", "#" + i + " " + applied, query, label,
                    bytes != null ? bytes : bytes(body.toString()), op.method()));
        }
        return out;
    }

    static String dropRandom(ObjectNode body, Random random) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return "nothing";
        }
        String name = pick(random, names);
        body.remove(name);
        return name;
    }

    static String replaceRandom(ObjectNode body, Random random) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            body.set("x", randomValue(random, 0));
            return "x";
        }
        String name = pick(random, names);
        JsonNode target = body.get(name);
        if (target.isObject() && target.size() > 0 && random.nextBoolean()) {
            return name + "." + replaceRandom((ObjectNode) target, random);
        }
        if (target.isArray() && target.size() > 0 && target.get(0).isObject() && random.nextBoolean()) {
            return name + "[0]." + replaceRandom((ObjectNode) target.get(0), random);
        }
        body.set(name, randomValue(random, 0));
        return name;
    }

    static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 7 : 9)) {
            case 0 -> NODES.textNode(randomString(random));
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.numberNode(random.nextInt(100) - 50);
            case 3 -> NODES.numberNode(random.nextDouble() * 1e6);
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> NODES.textNode(pick(random, STRINGS));
            case 7 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = obj();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomString(random), randomValue(random, depth + 1));
                }
                yield o;
            }
        };
    }

    static final String PUNCTUATION = "-_./:{}\"'\\ %$x";

    static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(24); i > 0; i--) {
            int kind = random.nextInt(6);
            s.appendCodePoint(switch (kind) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> '0' + random.nextInt(10);
                case 2 -> PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()));
                case 3 -> random.nextInt(0x20);
                case 4 -> 0x80 + random.nextInt(0x800);
                default -> 0x1F300 + random.nextInt(0x300);
            });
        }
        return s.toString();
    }

    static byte[] mutateBytes(byte[] in, Random random) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] special = {'{', '}', '[', ']', '"', '\\', ',', ':', 0, (byte) 0xff, (byte) 0xc3, '\n'};
        int at = random.nextInt(in.length);
        return switch (random.nextInt(4)) {
            case 0 -> Arrays.copyOf(in, at); // truncated
            case 1 -> {
                byte[] out = in.clone();
                out[at] = special[random.nextInt(special.length)];
                yield out;
            }
            case 2 -> concat(Arrays.copyOf(in, at), concat(new byte[] {special[random.nextInt(special.length)]},
                    Arrays.copyOfRange(in, at, in.length)));
            default -> concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, Math.min(in.length, at + 1 + random.nextInt(8)),
                    in.length)); // bytes removed
        };
    }

    // ---- what must not change -------------------------------------------------------------------------

    /** A digest of every resource row and every remembered clientToken. */
    static String snapshot() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT arn, body FROM resources ORDER BY arn")) {
                while (rs.next()) {
                    digest.update(bytes(rs.getString(1) + "\u0001" + rs.getString(2) + "\u0002"));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT account_id, region, operation, client_token, request_hash"
                    + " FROM idempotency ORDER BY account_id, region, operation, client_token")) {
                while (rs.next()) {
                    for (int i = 1; i <= 5; i++) {
                        digest.update(bytes(rs.getString(i) + "\u0001"));
                    }
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** How many resources of each kind the List operations list (following nextToken). */
    static Map<String, Integer> listedCounts() throws Exception {
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("ListComponents", "componentVersionList");
        lists.put("ListImageRecipes", "imageRecipeSummaryList");
        lists.put("ListContainerRecipes", "containerRecipeSummaryList");
        lists.put("ListInfrastructureConfigurations", "infrastructureConfigurationSummaryList");
        lists.put("ListDistributionConfigurations", "distributionConfigurationSummaryList");
        lists.put("ListImagePipelines", "imagePipelineList");
        lists.put("ListImages", "imageVersionList");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : lists.entrySet()) {
            int n = 0;
            String token = null;
            do {
                ObjectNode body = obj().put("maxResults", 25);
                if (token != null) {
                    body.put("nextToken", token);
                }
                Answer a = send(Req.of(MODEL.operation(e.getKey()).orElseThrow(), "count", "", Map.of(), null,
                        bytes(body.toString())));
                assertThat(a.status()).as("%s: %s", e.getKey(), a.text()).isEqualTo(200);
                JsonNode out = JSON.readTree(a.body());
                n += out.path(e.getValue()).size();
                token = out.path("nextToken").asText(null);
            } while (token != null);
            counts.put(e.getKey(), n);
        }
        return counts;
    }

    @Test
    void aRefusedCreateOfEachKindLeavesTheListsAsTheyWere() throws Exception {
        for (String create : List.of("CreateComponent", "CreateImageRecipe", "CreateContainerRecipe",
                "CreateInfrastructureConfiguration", "CreateDistributionConfiguration", "CreateImagePipeline",
                "CreateImage")) {
            Operation op = MODEL.operation(create).orElseThrow();
            // Valid for the model, refused by the operation itself: a reference to a resource that
            // does not exist, a document that does not validate, a name that is taken.
            ObjectNode body = base(op).body().deepCopy();
            for (String member : List.of("imageRecipeArn", "infrastructureConfigurationArn", "parentImage")) {
                if (body.has(member)) {
                    body.put(member, body.get(member).asText().replaceAll("/[a-z0-9-_]+(/[0-9x.]+)?$",
                            "/does-not-exist$1"));
                }
            }
            switch (create) {
                case "CreateComponent" -> body.put("data", "name: x\nschemaVersion: 1.0\nphases:\n  - name: build\n"
                        + "    steps:\n      - name: S\n        action: NoSuchAction\n");
                case "CreateInfrastructureConfiguration", "CreateDistributionConfiguration" -> {
                    // Made once, then made again under the same name with another clientToken.
                    body.put("name", "fuzz-taken-name");
                    Answer first = send(Req.of(op, "refused create", "first", Map.of(), null, bytes(body.toString())));
                    assertThat(first.status()).as("%s: %s", create, first.text()).isEqualTo(200);
                    body.put("clientToken", id());
                }
                default -> {
                }
            }
            Map<String, Integer> listed = listedCounts();
            String stored = snapshot();
            Answer a = send(Req.of(op, "refused create", create, Map.of(), null, bytes(body.toString())));
            assertThat(a.status()).as("%s: %s", create, a.text()).isBetween(400, 499);
            assertThat(check(op, a)).as("%s: %s", create, a.text()).isNull();
            assertThat(listedCounts()).as("%s refused: the lists", create).isEqualTo(listed);
            assertThat(snapshot()).as("%s refused: the database", create).isEqualTo(stored);
        }
    }

    /**
     * Jetty refuses some request targets itself, before Kiln's handler runs: a NUL or a malformed
     * percent-escape in the path, an encoded dot segment, a URI over 8 KiB, headers over 8 KiB. Those
     * answers are in AWS's error format too (KilnServer installs AwsErrorPages).
     */
    @Test
    void requestsJettyRefusesAreAnsweredInAwsErrorFormat() throws Exception {
        for (String path : List.of("/tags/a%00b", "/tags/%zz", "/%2e%2e/%2e%2e/etc/passwd",
                "/tags/..%2F..%2Fetc%2Fpasswd",
                "/tags/" + "a".repeat(20_000))) {
            assertAwsError(path, sendRaw("GET", path, Map.of(), new byte[0]));
        }
        assertAwsError("20 KB header",
                sendRaw("GET", "/GetComponent", Map.of("X-Big", List.of("a".repeat(20_000))), new byte[0]));
    }

    private static void assertAwsError(String what, Answer a) throws IOException {
        assertThat(a.status()).as(what).isBetween(400, 499);
        assertThat(a.header("x-amzn-ErrorType")).as(what).isNotBlank();
        assertThat(a.header("x-amzn-RequestId")).as(what).isNotBlank();
        JsonNode body = new ObjectMapper().readTree(a.body());
        assertThat(body.path("__type").asText()).as(what).isEqualTo(a.header("x-amzn-ErrorType"));
        assertThat(body.path("message").asText()).as(what).isNotBlank();
    }

    // ---- sending --------------------------------------------------------------------------------------

    static String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Signs the request with the AWS SDK's SigV4 signer, sends it, and returns the answer. */
    static Answer send(Req req) throws IOException {
        byte[] body = req.body() == null ? new byte[0] : req.body();
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().protocol("http").host("127.0.0.1")
                .port(server.port()).method(SdkHttpMethod.fromValue(req.method())).encodedPath(req.path());
        req.query().forEach(b::putRawQueryParameter);
        if (body.length > 0) {
            b.putHeader("Content-Type", "application/json");
        }
        SdkHttpRequest signed = sign(b.build(), body);
        String query = signed.encodedQueryParameters().orElse("");
        if (req.wireQuery()) {
            // Sent as the raw text, not as the SDK encodes it: the signature stays valid (the server
            // reads a malformed escape as literal text when it computes the canonical query). No URI
            // class accepts such a query, so it goes over a socket.
            query = query.replace("%25zz%25", "%zz%");
            return sendRaw(req.method(), req.path() + "?" + query, signed.headers(), body);
        }
        HttpRequest.Builder h = HttpRequest.newBuilder(URI.create(endpoint() + req.path()
                        + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30))
                .method(req.method(), body.length > 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.noBody());
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> h.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> r = http.send(h.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().map(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Sends a request as written over a socket (HTTP/1.1, one request per connection). */
    static Answer sendRaw(String method, String target, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
            headers.forEach((k, vs) -> {
                if (!k.equalsIgnoreCase("Host") && !k.equalsIgnoreCase("Content-Length")) {
                    vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n"));
                }
            });
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return readAnswer(socket.getInputStream());
        }
    }

    static SdkHttpRequest sign(SdkHttpFullRequest request, byte[] body) {
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "imagebuilder")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)).request();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static ObjectNode obj() {
        return NODES.objectNode();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static List<String> concat(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    static String encodePath(String label) {
        return SdkHttpUtils.urlEncode(label);
    }

    static String abbreviate(String s, int max) {
        String clean = s.chars().mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
                .collect(Collectors.joining());
        return clean.length() <= max ? clean : clean.substring(0, max) + "...(" + s.length() + " chars)";
    }

    static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    static <T> List<T> sample(Random random, List<T> all, int max) {
        if (all.size() <= max) {
            return all;
        }
        List<T> copy = new ArrayList<>(all);
        Collections.shuffle(copy, random);
        return copy.subList(0, max);
    }

    /** Sets the value at a path of member names and list indexes, creating nothing. */
    static void set(ObjectNode root, String[] path, JsonNode value) {
        JsonNode at = root;
        for (int i = 0; i < path.length - 1; i++) {
            at = at.isArray() ? at.get(Integer.parseInt(path[i])) : at.get(path[i]);
        }
        String last = path[path.length - 1];
        if (at.isArray()) {
            ((ArrayNode) at).set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) at).set(last, value);
        }
    }

    static JsonNode rawModel() {
        try (InputStream in = ServiceModel.class.getResourceAsStream("imagebuilder-2019-12-02.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> modelErrors() {
        Set<String> errors = new TreeSet<>();
        RAW.path("shapes").fields().forEachRemaining(e -> {
            if (e.getValue().path("exception").asBoolean(false)) {
                errors.add(e.getKey());
            }
        });
        return errors;
    }
}
