package dev.kiln.server;

import static dev.kiln.server.fuzz.JsonBits.bytes;
import static dev.kiln.server.fuzz.ModelShapes.MODEL;
import static dev.kiln.server.fuzz.ModelShapes.mutating;
import static dev.kiln.server.fuzz.ModelShapes.operation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.Operation;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.Database;
import dev.kiln.server.fuzz.ModelShapes;
import dev.kiln.server.fuzz.Mutators;
import dev.kiln.server.fuzz.RawAnswer;
import dev.kiln.server.fuzz.RawClient;
import dev.kiln.server.fuzz.RawClient.BodyMode;
import dev.kiln.server.fuzz.RawRequest;
import dev.kiln.server.fuzz.StoredState;
import dev.kiln.server.fuzz.ValidInputs;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throws hostile input at every operation of the Image Builder model through a real, in-process
 * {@link KilnServer}, every request correctly signed (by the AWS SDK's own SigV4 signer, through
 * {@link RawClient}), so that it gets past authentication and reaches binding, validation and the
 * operations. The requests are valid ones ({@link ValidInputs}) broken in every way {@link Mutators}
 * knows: malformed JSON, wrong types at every depth, bodies over the 2 MiB limit, deep nesting,
 * unicode and injection strings, seeded random mutations. Bodies over the limit must also be refused
 * <em>early</em>: from Content-Length, before the body is sent, and after the first 2 MiB of a chunked
 * body.
 *
 * <p>What holds: every answer is either a 2xx with a JSON object (the request was valid, however odd),
 * or a 4xx in AWS's wire format: {@code x-amzn-ErrorType} naming an error shape of the model (or one of
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
    static final int MAX_BODY = Mutators.MAX_BODY;
    private static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KilnServerExtension kiln = KilnServerExtension.inRegions(REGION);

    static RawClient client;
    static ValidInputs inputs;
    static Connection db;
    static StoredState stored;

    @BeforeAll
    static void start() throws Exception {
        client = RawClient.withCredentialsFile(kiln.server().port(), REGION, kiln.server().credentialsFile());
        // The same embedded database as the server's, through a connection of its own (H2 shares an
        // open database between the connections of one JVM).
        db = DriverManager.getConnection(Database.h2FileUrl(kiln.dataDir()));
        stored = new StoredState(db, client);
        inputs = ValidInputs.withFixtures(client, REGION, SEED);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOperationAnswersHostileInputWithModeledClientErrors() {
        List<Operation> ops = ModelShapes.operationsDeletesLast();
        assertThat(ops).hasSize(MODEL.operations().size());
        return ops.stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> fuzz(op)));
    }

    static void fuzz(Operation op) throws Exception {
        Random random = new Random(SEED ^ op.name().hashCode());
        inputs.reseed(SEED * 31 + op.name().hashCode());
        List<RawRequest> cases = Mutators.all(op, inputs.base(op), random, MAX_WRONG_TYPES, MAX_STRINGS, MUTATIONS);

        Map<String, Integer> listedBefore = stored.listedCounts();
        boolean mutating = mutating(op);
        boolean anyMutationSucceeded = false;
        List<String> failures = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        Set<String> undeclared = new TreeSet<>();
        for (int i = 0; i < cases.size(); i++) {
            RawRequest req = cases.get(i);
            String before = mutating ? stored.digest() : null;
            RawAnswer answer;
            try {
                answer = client.send(req);
            } catch (IOException e) {
                failures.add(where(op, req, i) + ": no answer (" + e + ")\n    request: " + req.describe());
                continue;
            }
            statuses.merge(Integer.toString(answer.status()), 1, Integer::sum);
            String type = answer.header("x-amzn-ErrorType");
            if (type != null && !op.declares(type) && !ModelShapes.PROTOCOL_ERRORS.contains(type)) {
                undeclared.add(type);
            }
            String problem = check(answer);
            if (problem == null && mutating && answer.status() >= 400 && !before.equals(stored.digest())) {
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
        if (mutating && !anyMutationSucceeded) {
            Map<String, Integer> listedAfter = stored.listedCounts();
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

    static String where(Operation op, RawRequest req, int index) {
        return op.name() + " [" + req.category() + " #" + index + ": " + req.label() + "]";
    }

    /** What is wrong with an answer, or null: a 2xx with a JSON object, or a 4xx in AWS's wire format. */
    static String check(RawAnswer a) {
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
        if (!ModelShapes.ERRORS.contains(type) && !ModelShapes.PROTOCOL_ERRORS.contains(type)) {
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

    @Test
    void oversizedBodiesAreRefusedEarlyWith413() throws Exception {
        for (Operation op : MODEL.operations()) {
            // Content-Length over the limit and the first 64 KiB of the body: the answer comes while
            // the rest is still to be sent.
            long size = MAX_BODY + 1L + (op.name().hashCode() & 0xfffff);
            RawAnswer early = announce(op, BodyMode.FIRST_BYTES, size);
            assertThat(early.status()).as("%s: Content-Length over the limit, 64 KiB sent", op.name()).isEqualTo(413);
            assertThat(check(early)).as("%s: %s", op.name(), early.text()).isNull();
            assertThat(early.header("x-amzn-ErrorType")).isEqualTo("RequestEntityTooLargeException");
            // With Expect: 100-continue, before one byte of the body.
            RawAnswer expect = announce(op, BodyMode.EXPECT_CONTINUE, size);
            assertThat(expect.status()).as("%s: Content-Length over the limit, Expect: 100-continue", op.name())
                    .isEqualTo(413);
            assertThat(check(expect)).as("%s: %s", op.name(), expect.text()).isNull();
        }
        // Chunked, no Content-Length: refused once the first 2 MiB have arrived, the body unfinished.
        for (String name : List.of("CreateComponent", "ListComponents", "TagResource", "GetComponent")) {
            Operation op = operation(name);
            RawAnswer chunked = announce(op, BodyMode.CHUNKED, 32L * MAX_BODY);
            assertThat(chunked.status()).as("%s: chunked body over the limit", name).isEqualTo(413);
            assertThat(check(chunked)).as("%s: %s", name, chunked.text()).isNull();
        }
    }

    /** A request of the operation on the fixture component announcing a body of {@code size} bytes. */
    private static RawAnswer announce(Operation op, BodyMode mode, long size) throws Exception {
        String path = RawRequest.of(op, "huge body", mode.name(), Map.of(), inputs.fixtures().componentBuild(), null)
                .path();
        return client.announce(op.method(), path, mode, size, MAX_BODY + 0x40000L);
    }

    @Test
    void aRefusedCreateOfEachKindLeavesTheListsAsTheyWere() throws Exception {
        for (String create : List.of("CreateComponent", "CreateImageRecipe", "CreateContainerRecipe",
                "CreateInfrastructureConfiguration", "CreateDistributionConfiguration", "CreateImagePipeline",
                "CreateImage")) {
            Operation op = operation(create);
            // Valid for the model, refused by the operation itself: a reference to a resource that
            // does not exist, a document that does not validate, a name that is taken.
            ObjectNode body = inputs.base(op).body().deepCopy();
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
                    RawAnswer first = client.send(RawRequest.of(op, "refused create", "first", Map.of(), null,
                            bytes(body.toString())));
                    assertThat(first.status()).as("%s: %s", create, first.text()).isEqualTo(200);
                    body.put("clientToken", inputs.id());
                }
                default -> {
                }
            }
            Map<String, Integer> listed = stored.listedCounts();
            String digest = stored.digest();
            RawAnswer a = client.send(RawRequest.of(op, "refused create", create, Map.of(), null,
                    bytes(body.toString())));
            assertThat(a.status()).as("%s: %s", create, a.text()).isBetween(400, 499);
            assertThat(check(a)).as("%s: %s", create, a.text()).isNull();
            assertThat(stored.listedCounts()).as("%s refused: the lists", create).isEqualTo(listed);
            assertThat(stored.digest()).as("%s refused: the database", create).isEqualTo(digest);
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
            assertAwsError(path, client.sendRaw("GET", path, Map.of(), new byte[0]));
        }
        assertAwsError("20 KB header",
                client.sendRaw("GET", "/GetComponent", Map.of("X-Big", List.of("a".repeat(20_000))), new byte[0]));
    }

    private static void assertAwsError(String what, RawAnswer a) throws IOException {
        assertThat(a.status()).as(what).isBetween(400, 499);
        assertThat(a.header("x-amzn-ErrorType")).as(what).isNotBlank();
        assertThat(a.header("x-amzn-RequestId")).as(what).isNotBlank();
        JsonNode body = JSON.readTree(a.body());
        assertThat(body.path("__type").asText()).as(what).isEqualTo(a.header("x-amzn-ErrorType"));
        assertThat(body.path("message").asText()).as(what).isNotBlank();
    }
}
