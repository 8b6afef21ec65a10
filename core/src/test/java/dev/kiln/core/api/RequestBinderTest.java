package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestBinderTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final RequestBinder BINDER = new RequestBinder(MODEL);
    private static final ServiceModel WIDGETS = TestModels.widgets();
    private static final RequestBinder WIDGET_BINDER = new RequestBinder(WIDGETS);
    private static final String ARN = "arn:aws:imagebuilder:us-east-1:123456789012:image/my-image/1.0.0/1";
    private static final String ENCODED_ARN =
            "arn%3Aaws%3Aimagebuilder%3Aus-east-1%3A123456789012%3Aimage%2Fmy-image%2F1.0.0%2F1";

    private static ObjectNode bind(String method, String path, Map<String, List<String>> query, String body) {
        Route route = MODEL.route(method, path).orElseThrow();
        return BINDER.bind(route, query, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode body(String method, String path, String body) {
        return bind(method, path, Map.of(), body);
    }

    private static ObjectNode widget(Map<String, List<String>> query, Map<String, List<String>> headers) {
        return WIDGET_BINDER.bind(WIDGETS.route("GET", "/GetWidget").orElseThrow(), query, headers, null);
    }

    private static ApiException failure(ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(ApiException.class);
        return (ApiException) t;
    }

    @Test
    void getBindsItsQueryMember() {
        ObjectNode input = bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of(ARN)), null);
        assertThat(input).isEqualTo(TestModels.json("{'imageBuildVersionArn': '" + ARN + "'}"));
    }

    @Test
    void queryParametersTheModelDoesNotNameAreIgnored() {
        ObjectNode input = bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of(ARN), "x", List.of("y")), null);
        assertThat(input.size()).isEqualTo(1);
    }

    @Test
    void repeatedScalarQueryParameterTakesItsFirstValue() {
        ObjectNode input = bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of("a", "b")), null);
        assertThat(input.get("imageBuildVersionArn").asText()).isEqualTo("a");
    }

    @Test
    void missingQueryMemberIsAbsentForTheValidatorToReport() {
        assertThat(bind("GET", "/GetImage", Map.of(), null)).isEmpty();
        assertThat(bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of()), null)).isEmpty();
    }

    @Test
    void untagBindsTheDecodedArnLabelAndRepeatedTagKeysAsAList() {
        ObjectNode input = bind("DELETE", "/tags/" + ENCODED_ARN, Map.of("tagKeys", List.of("a", "b c", "d+e")), null);
        assertThat(input).isEqualTo(TestModels.json(
                "{'resourceArn': '" + ARN + "', 'tagKeys': ['a', 'b c', 'd+e']}"));
    }

    @Test
    void singleTagKeyIsStillAList() {
        ObjectNode input = bind("DELETE", "/tags/" + ENCODED_ARN, Map.of("tagKeys", List.of("only")), null);
        assertThat(input.get("tagKeys").isArray()).isTrue();
        assertThat(input.get("tagKeys")).hasSize(1);
    }

    @Test
    void tagResourceTakesTheArnFromThePathAndTagsFromTheBody() {
        ObjectNode input = body("POST", "/tags/" + ENCODED_ARN, "{'tags': {'Env': 'prod', 'Team': 'a'}}".replace('\'', '"'));
        assertThat(input).isEqualTo(TestModels.json("{'resourceArn': '" + ARN + "', 'tags': {'Env': 'prod', 'Team': 'a'}}"));
    }

    @Test
    void bodyCannotOverrideAMemberThatTravelsElsewhere() {
        ObjectNode input = body("POST", "/tags/" + ENCODED_ARN,
                "{\"resourceArn\": \"arn:aws:imagebuilder:us-east-1:999999999999:image/other/1.0.0/1\", \"tags\": {\"a\": \"b\"}}");
        assertThat(input.get("resourceArn").asText()).isEqualTo(ARN);
        ObjectNode none = body("POST", "/tags/x", "{\"resourceArn\": \"y\"}");
        assertThat(none.get("resourceArn").asText()).isEqualTo("x");
    }

    @Test
    void bodyBindsNestedMembersAndKeepsTheirTypes() {
        String json = """
                {"name": "MyBasicRecipe", "semanticVersion": "1.0.0", "parentImage": "ami-1234",
                 "components": [{"componentArn": "arn:c", "parameters": [{"name": "p", "value": ["v1", "v2"]}]}],
                 "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 8, "encrypted": true}}],
                 "clientToken": "t"}""";
        ObjectNode input = body("PUT", "/CreateImageRecipe", json);
        assertThat(input).isEqualTo(TestModels.JSON.valueToTree(readMap(json)));
        assertThat(input.at("/blockDeviceMappings/0/ebs/volumeSize").isInt()).isTrue();
    }

    @Test
    void unknownMembersAreDroppedAtEveryDepth() {
        String json = """
                {"name": "r", "owner": "999999999999", "components": [{"componentArn": "arn:c", "secret": 1,
                 "parameters": [{"name": "p", "value": ["v"], "internal": {"a": [1, 2]}}]}],
                 "blockDeviceMappings": [{"ebs": {"volumeSize": 8, "x": null}}]}""";
        ObjectNode input = body("PUT", "/CreateImageRecipe", json);
        assertThat(input).isEqualTo(TestModels.json("""
                {'name': 'r', 'components': [{'componentArn': 'arn:c', 'parameters': [{'name': 'p', 'value': ['v']}]}],
                 'blockDeviceMappings': [{'ebs': {'volumeSize': 8}}]}"""));
    }

    @Test
    void nullMembersCountAsAbsent() {
        ObjectNode input = body("PUT", "/CreateComponent", "{\"name\": null, \"description\": null, \"tags\": null}");
        assertThat(input).isEmpty();
    }

    @Test
    void emptyOrBlankBodyIsAnEmptyObject() {
        assertThat(body("POST", "/ListImages", null)).isEmpty();
        assertThat(body("POST", "/ListImages", "")).isEmpty();
        assertThat(body("POST", "/ListImages", " \r\n\t ")).isEmpty();
        assertThat(body("POST", "/ListImages", "{}")).isEmpty();
    }

    @Test
    void bodyOfAnOperationWithoutBodyMembersIsIgnored() {
        ObjectNode input = bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of(ARN)), "this is not json");
        assertThat(input.get("imageBuildVersionArn").asText()).isEqualTo(ARN);
    }

    @Test
    void bodyThatIsNotJsonIsASerializationException() {
        for (String bad : List.of("{", "{\"a\":}", "not json", "{\"maxResults\": 5,}", "{'a': 1}", "{\"a\": 1} {}",
                "{\"a\": 1} x", "\u0000")) {
            ApiException e = failure(() -> body("POST", "/ListImages", bad));
            assertThat(e.type()).as(bad).isEqualTo(ErrorType.SerializationException);
            assertThat(e.getMessage()).as(bad).startsWith("The request body is not valid JSON");
        }
    }

    @Test
    void malformedJsonMessageSaysWhere() {
        ApiException e = failure(() -> body("POST", "/ListImages", "{\n  \"owner\": Self\n}"));
        assertThat(e.getMessage()).contains("line 2, column");
    }

    @Test
    void bodyThatIsNotAnObjectIsASerializationException() {
        assertThat(failure(() -> body("POST", "/ListImages", "[]")).getMessage())
                .isEqualTo("The request body must be a JSON object, not an array");
        assertThat(failure(() -> body("POST", "/ListImages", "\"x\"")).type()).isEqualTo(ErrorType.SerializationException);
        assertThat(failure(() -> body("POST", "/ListImages", "42")).type()).isEqualTo(ErrorType.SerializationException);
        assertThat(failure(() -> body("POST", "/ListImages", "null")).getMessage()).endsWith("not null");
    }

    @Test
    void duplicateKeysAreASerializationException() {
        ApiException e = failure(() -> body("POST", "/ListImages", "{\"owner\": \"Self\", \"owner\": \"Amazon\"}"));
        assertThat(e.type()).isEqualTo(ErrorType.SerializationException);
        assertThat(e.getMessage()).contains("Duplicate field 'owner'");
    }

    @Test
    void invalidUtf8IsASerializationException() {
        byte[] body = {'{', '"', 'o', 'w', 'n', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ApiException e = failure(() -> BINDER.bind(MODEL.route("POST", "/ListImages").orElseThrow(), Map.of(), Map.of(), body));
        assertThat(e.type()).isEqualTo(ErrorType.SerializationException);
    }

    @Test
    void deeplyNestedBodyIsRefusedBeforeItIsWalked() {
        String deep = "{\"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        ApiException e = failure(() -> body("POST", "/ListImages", deep));
        assertThat(e.type()).isEqualTo(ErrorType.SerializationException);
        assertThat(e.getMessage()).contains("nesting depth").hasSizeLessThan(400);
    }

    @Test
    void everyValidInputNestsWellWithinTheParsersDepthLimit() {
        int deepest = 0;
        for (Operation op : MODEL.operations()) {
            deepest = Math.max(deepest, depth(MODEL.shape(op.inputShape()), new java.util.HashSet<>()));
        }
        assertThat(deepest).isBetween(3, RequestBinder.MAX_NESTING_DEPTH / 4);
    }

    /** JSON nesting of a shape: objects and arrays count one level each. */
    private static int depth(Shape shape, java.util.Set<String> path) {
        if (shape.type().scalar()) {
            return 0;
        }
        assertThat(path.add(shape.name())).as("recursive shape " + shape.name()).isTrue();
        int below = 0;
        List<Member> refs = new java.util.ArrayList<>(shape.members().values());
        for (Member m : new Member[] {shape.member(), shape.value()}) {
            if (m != null) {
                refs.add(m);
            }
        }
        for (Member m : refs) {
            below = Math.max(below, depth(MODEL.target(m), path));
        }
        path.remove(shape.name());
        return below + 1;
    }

    @Test
    void hostileInputsAtEveryOperationGiveOnlyClientErrors() {
        java.util.Random random = new java.util.Random(20191202);
        ShapeValidator validator = new ShapeValidator(MODEL);
        List<String> strings = List.of("", " ", "x".repeat(70_000), "\u0000", "'; DROP TABLE images; --", "<script>",
                "../../etc/passwd", "%00%2F", "\uD83D\uDD25", "\u202Eevil", "NaN", "-1", "1e309", "arn:aws:x");
        for (Operation op : MODEL.operations()) {
            Shape input = MODEL.shape(op.inputShape());
            for (int round = 0; round < 60; round++) {
                com.fasterxml.jackson.databind.node.ObjectNode body = TestModels.JSON.createObjectNode();
                Map<String, List<String>> query = new LinkedHashMap<>();
                String path = op.requestUri().replace("{resourceArn}", round % 2 == 0 ? ENCODED_ARN : "%E0%A4%A%");
                for (Member m : input.members().values()) {
                    if (random.nextInt(4) == 0) {
                        continue;
                    }
                    if (m.location() == Member.Location.QUERY) {
                        query.put(m.wireName(), List.of(strings.get(random.nextInt(strings.size()))));
                    } else if (m.location() == Member.Location.BODY) {
                        body.set(m.wireName(), randomValue(MODEL.target(m), random, strings, 0));
                    }
                }
                byte[] bytes = switch (round % 10) {
                    case 7 -> "{\"a\": [1, 2".getBytes(StandardCharsets.UTF_8);
                    case 8 -> new byte[] {(byte) 0xFF, (byte) 0xFE, '{', '}'};
                    default -> body.toString().getBytes(StandardCharsets.UTF_8);
                };
                Route route = MODEL.route(op.method(), path).orElseThrow();
                try {
                    validator.validate(op, BINDER.bind(route, query, Map.of(), bytes));
                } catch (ApiException e) {
                    assertThat(e.type().status()).as(op.name() + ": " + e.getMessage()).isBetween(400, 499);
                    assertThat(e.getMessage()).as(op.name()).hasSizeLessThan(60_000);
                }
            }
        }
    }

    /** A value for a shape, of the wrong JSON type one time in five, at any depth. */
    private static JsonNode randomValue(Shape shape, java.util.Random random, List<String> strings, int depth) {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = TestModels.JSON.getNodeFactory();
        if (random.nextInt(5) == 0 || depth > 6) {
            return switch (random.nextInt(6)) {
                case 0 -> f.textNode(strings.get(random.nextInt(strings.size())));
                case 1 -> f.numberNode(random.nextLong());
                case 2 -> f.numberNode(new BigDecimal("1e400"));
                case 3 -> f.arrayNode().add(f.nullNode()).add(1);
                case 4 -> f.objectNode().put("x", true);
                default -> f.nullNode();
            };
        }
        switch (shape.type()) {
            case STRUCTURE -> {
                com.fasterxml.jackson.databind.node.ObjectNode o = f.objectNode();
                for (Member m : shape.members().values()) {
                    if (random.nextBoolean()) {
                        o.set(m.wireName(), randomValue(MODEL.target(m), random, strings, depth + 1));
                    }
                }
                return o;
            }
            case LIST -> {
                com.fasterxml.jackson.databind.node.ArrayNode a = f.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(MODEL.target(shape.member()), random, strings, depth + 1));
                }
                return a;
            }
            case MAP -> {
                com.fasterxml.jackson.databind.node.ObjectNode o = f.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(strings.get(random.nextInt(strings.size())), randomValue(MODEL.target(shape.value()), random, strings, depth + 1));
                }
                return o;
            }
            case BOOLEAN -> {
                return f.booleanNode(random.nextBoolean());
            }
            case INTEGER, LONG -> {
                return f.numberNode(random.nextInt(2000) - 1000);
            }
            case TIMESTAMP, DOUBLE, FLOAT -> {
                return f.numberNode(random.nextDouble() * 2e9);
            }
            default -> {
                return shape.enumValues().isEmpty() ? f.textNode(strings.get(random.nextInt(strings.size())))
                        : f.textNode(shape.enumValues().get(random.nextInt(shape.enumValues().size())));
            }
        }
    }

    @Test
    void bodyOverTheLimitIsRequestEntityTooLarge() {
        RequestBinder small = new RequestBinder(MODEL, 1024);
        byte[] big = ("{\"nextToken\": \"" + "a".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        ApiException e = failure(() -> small.bind(MODEL.route("POST", "/ListImages").orElseThrow(), Map.of(), Map.of(), big));
        assertThat(e.type()).isEqualTo(ErrorType.RequestEntityTooLargeException);
        assertThat(e.type().status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("Request body of 2017 bytes exceeds the limit of 1024 bytes");
    }

    @Test
    void hugeBodyWithinTheLimitBindsAndLeavesLengthsToTheValidator() {
        String data = "x".repeat(1_500_000);
        ObjectNode input = body("PUT", "/CreateComponent", "{\"name\": \"n\", \"data\": \"" + data + "\", \"junk\": ["
                + "1,".repeat(100_000) + "1]}");
        assertThat(input.get("data").asText()).hasSize(1_500_000);
        assertThat(input.has("junk")).isFalse();
    }

    @Test
    void wrongJsonTypeIsAValidationErrorNamingTheMemberPath() {
        ApiException e = failure(() -> body("PUT", "/CreateImageRecipe",
                "{\"components\": [{\"componentArn\": \"arn:c\", \"parameters\": [{\"name\": \"p\", \"value\": \"v\"}]}]}"));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidRequestException);
        assertThat(e.getMessage()).isEqualTo("1 validation error detected: Value 'v' at 'components[0].parameters[0].value' "
                + "failed to satisfy constraint: Member must be of type list");
    }

    @Test
    void everyWrongTypeIsReportedAtOnce() {
        ApiException e = failure(() -> body("PUT", "/CreateImageRecipe", """
                {"name": 5, "components": {"a": 1}, "blockDeviceMappings": [{"ebs": {"volumeSize": "8", "encrypted": "yes"}}],
                 "tags": ["a"], "additionalInstanceConfiguration": "x", "clientToken": true}"""));
        assertThat(e.getMessage()).startsWith("7 validation errors detected: ")
                .contains("Value '5' at 'name' failed to satisfy constraint: Member must be of type string")
                .contains("Value '{\"a\":1}' at 'components' failed to satisfy constraint: Member must be of type list")
                .contains("Value '8' at 'blockDeviceMappings[0].ebs.volumeSize' failed to satisfy constraint: Member must be of type integer")
                .contains("at 'blockDeviceMappings[0].ebs.encrypted' failed to satisfy constraint: Member must be of type boolean")
                .contains("Value '[\"a\"]' at 'tags' failed to satisfy constraint: Member must be of type map")
                .contains("at 'additionalInstanceConfiguration' failed to satisfy constraint: Member must be of type structure")
                .contains("Value 'true' at 'clientToken' failed to satisfy constraint: Member must be of type string");
    }

    @Test
    void integersMustBeWholeNumbersInRange() {
        for (String bad : List.of("\"5\"", "5.5", "5.0", "1e2", "99999999999", "true", "[5]")) {
            ApiException e = failure(() -> body("POST", "/ListImages", "{\"maxResults\": " + bad + "}"));
            assertThat(e.getMessage()).as(bad).endsWith("at 'maxResults' failed to satisfy constraint: Member must be of type integer");
        }
        assertThat(body("POST", "/ListImages", "{\"maxResults\": -7}").get("maxResults").intValue()).isEqualTo(-7);
    }

    @Test
    void nullInsideAListOrAsAMapValueIsRefused() {
        ApiException e = failure(() -> body("PUT", "/CreateComponent",
                "{\"supportedOsVersions\": [\"a\", null], \"tags\": {\"k\": null}}"));
        assertThat(e.getMessage()).isEqualTo("2 validation errors detected: "
                + "Value null at 'supportedOsVersions[1]' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'tags.k' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void textWithNulOrAnUnpairedSurrogateIsRefused() {
        ApiException nul = failure(() -> body("PUT", "/CreateComponent", "{\"description\": \"a\\u0000b\"}"));
        assertThat(nul.type()).isEqualTo(ErrorType.InvalidRequestException);
        assertThat(nul.getMessage()).endsWith("at 'description' failed to satisfy constraint: Member must not contain the character U+0000");
        ApiException lone = failure(() -> body("PUT", "/CreateComponent", "{\"tags\": {\"k\": \"v\\ud800\"}}"));
        assertThat(lone.getMessage()).contains("Value 'v\uFFFD' at 'tags.k' failed to satisfy constraint: "
                + "Member must be well-formed Unicode (it has an unpaired surrogate)");
        ApiException key = failure(() -> body("PUT", "/CreateComponent", "{\"tags\": {\"k\\udc00\": \"v\"}}"));
        assertThat(key.type()).isEqualTo(ErrorType.SerializationException); // Jackson refuses it in a field name
        ApiException query = failure(() -> bind("GET", "/GetImage", Map.of("imageBuildVersionArn", List.of("a\u0000")), null));
        assertThat(query.getMessage()).contains("at 'imageBuildVersionArn'");
    }

    @Test
    void wellFormedUnicodeIsKept() {
        ObjectNode input = body("PUT", "/CreateComponent", "{\"description\": \"caf\u00e9 \\ud83d\\udd25 \u4e2d\"}");
        assertThat(input.get("description").asText()).isEqualTo("caf\u00e9 \uD83D\uDD25 \u4e2d");
    }

    @Test
    void typeErrorsOfTagOperationsUseTheErrorTheyDeclare() {
        ApiException e = failure(() -> body("POST", "/tags/" + ENCODED_ARN, "{\"tags\": [\"a\"]}"));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidParameterException);
    }

    @Test
    void timestampInTheBodyIsEpochSeconds() {
        ObjectNode input = body("PUT", "/StartResourceStateUpdate", "{\"updateAt\": 1700000000.5}");
        assertThat(input.get("updateAt").decimalValue()).isEqualByComparingTo("1700000000.5");
        ApiException e = failure(() -> body("PUT", "/StartResourceStateUpdate", "{\"updateAt\": \"2024-01-01T00:00:00Z\"}"));
        assertThat(e.getMessage()).endsWith("at 'updateAt' failed to satisfy constraint: Member must be of type timestamp");
    }

    @Test
    void queryValuesAreConvertedToTheMembersTypes() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("id", List.of("w1"));
        query.put("count", List.of("7"));
        query.put("big", List.of("-9000000000"));
        query.put("flag", List.of("true"));
        query.put("ratio", List.of("0.25"));
        query.put("since", List.of("2024-05-01T10:00:00.5Z"));
        query.put("name", List.of("a", "b"));
        query.put("c", List.of("1", "2"));
        ObjectNode input = widget(query, Map.of());
        assertThat(input.get("count").isInt()).isTrue();
        assertThat(input.get("count").intValue()).isEqualTo(7);
        assertThat(input.get("big").isLong()).isTrue();
        assertThat(input.get("big").longValue()).isEqualTo(-9_000_000_000L);
        assertThat(input.get("flag").booleanValue()).isTrue();
        assertThat(input.get("ratio").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(input.get("since").decimalValue()).isEqualByComparingTo(new BigDecimal("1714557600.5"));
        assertThat(input.get("names")).isEqualTo(TestModels.json("['a', 'b']"));
        assertThat(input.get("counts")).isEqualTo(TestModels.json("[1, 2]"));
    }

    @Test
    void doublesAcceptNonFiniteSpellings() {
        assertThat(widget(Map.of("ratio", List.of("NaN")), Map.of()).get("ratio").asText()).isEqualTo("NaN");
        assertThat(widget(Map.of("ratio", List.of("-Infinity")), Map.of()).get("ratio").asText()).isEqualTo("-Infinity");
    }

    @Test
    void queryValuesThatDoNotConvertAreAllReported() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("count", List.of("seven"));
        query.put("big", List.of("99999999999999999999"));
        query.put("flag", List.of("TRUE"));
        query.put("ratio", List.of("0x1p3"));
        query.put("since", List.of("yesterday"));
        query.put("c", List.of("1", "\u0663"));
        ApiException e = failure(() -> widget(query, Map.of()));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidRequestException);
        assertThat(e.getMessage()).startsWith("6 validation errors detected: ")
                .contains("Value 'seven' at 'count' failed to satisfy constraint: Member must be of type integer")
                .contains("Value '99999999999999999999' at 'big' failed to satisfy constraint: Member must be of type long")
                .contains("Value 'TRUE' at 'flag' failed to satisfy constraint: Member must be of type boolean")
                .contains("Value '0x1p3' at 'ratio' failed to satisfy constraint: Member must be of type double")
                .contains("Value 'yesterday' at 'since' failed to satisfy constraint: Member must be of type timestamp")
                .contains("Value '\u0663' at 'counts[1]' failed to satisfy constraint: Member must be of type integer");
    }

    @Test
    void headersAreMatchedCaseInsensitivelyAndConverted() {
        Map<String, List<String>> headers = Map.of(
                "x-trace", List.of("abc"),
                "X-STAMP", List.of("Wed, 01 May 2024 10:00:00 GMT"),
                "X-Ids", List.of("a, b", "c"));
        ObjectNode input = widget(Map.of("id", List.of("w")), headers);
        assertThat(input.get("trace").asText()).isEqualTo("abc");
        assertThat(input.get("stamp").decimalValue()).isEqualByComparingTo("1714557600");
        assertThat(input.get("ids")).isEqualTo(TestModels.json("['a', 'b', 'c']"));
    }

    @Test
    void unnamedQueryMapTakesTheParametersNoOtherMemberClaims() {
        ObjectNode input = widget(Map.of("id", List.of("w"), "color", List.of("red", "blue"), "size", List.of("L")), Map.of());
        assertThat(input.get("extra")).isEqualTo(TestModels.json("{'color': 'red', 'size': 'L'}"));
        assertThat(widget(Map.of("id", List.of("w")), Map.of()).has("extra")).isFalse();
    }

    @Test
    void bodyMemberIsReadUnderItsWireName() {
        Route route = WIDGETS.route("PUT", "/owners/ann/widgets/a/b").orElseThrow();
        ObjectNode input = WIDGET_BINDER.bind(route, Map.of(), Map.of(),
                "{\"displayName\": \"Shown\", \"display\": \"ignored\", \"spec\": {\"size\": 3, \"labels\": {\"k\": \"v\"}}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(input).isEqualTo(TestModels.json(
                "{'owner': 'ann', 'key': 'a/b', 'display': 'Shown', 'spec': {'size': 3, 'labels': {'k': 'v'}}}"));
    }

    @Test
    void operationWithoutInputBindsAnEmptyObject() {
        Route route = WIDGETS.route("POST", "/Ping").orElseThrow();
        assertThat(WIDGET_BINDER.bind(route, null, null, "garbage".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void boundInputIsAFreshCopy() {
        byte[] body = "{\"tags\": {\"a\": \"b\"}}".getBytes(StandardCharsets.UTF_8);
        Route route = MODEL.route("POST", "/tags/x").orElseThrow();
        ObjectNode first = BINDER.bind(route, Map.of(), Map.of(), body);
        ((ObjectNode) first.get("tags")).put("c", "d");
        assertThat(BINDER.bind(route, Map.of(), Map.of(), body).get("tags").size()).isEqualTo(1);
    }

    @Test
    void negativeBodyLimitIsRefused() {
        assertThatThrownBy(() -> new RequestBinder(MODEL, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<?, ?> readMap(String json) {
        try {
            return TestModels.JSON.readValue(json, Map.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
