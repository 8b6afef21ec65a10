package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeValidatorTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final ShapeValidator VALIDATOR = new ShapeValidator(MODEL);
    private static final String COMPONENT = "arn:aws:imagebuilder:us-west-2:123456789012:component/myexamplecomponent/2019.12.02/1";

    /** The AWS CLI's create-image-recipe example, with the clientToken the CLI fills in. */
    private static ObjectNode recipe() {
        return TestModels.object("""
                {'name': 'MyBasicRecipe', 'description': 'This example image recipe creates a Windows 2016 image.',
                 'semanticVersion': '2019.12.03',
                 'components': [{'componentArn': '%s'},
                                {'componentArn': 'arn:aws:imagebuilder:us-west-2:123456789012:component/myimportedcomponent/1.0.0/1'}],
                 'parentImage': 'arn:aws:imagebuilder:us-west-2:aws:image/windows-server-2016-english-full-base-x86/xxxx.x.x',
                 'clientToken': 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222'}
                """.formatted(COMPONENT));
    }

    private static List<String> violations(String shape, ObjectNode input) {
        return VALIDATOR.violations(shape, input);
    }

    private static String message(Operation op, ObjectNode input) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> VALIDATOR.validate(op, input));
        assertThat(e).isNotNull();
        return e.getMessage();
    }

    @Test
    void validInputHasNoViolations() {
        assertThat(violations("CreateImageRecipeRequest", recipe())).isEmpty();
        assertThatCode(() -> VALIDATOR.validate(MODEL.operation("CreateImageRecipe").orElseThrow(), recipe()))
                .doesNotThrowAnyException();
    }

    @Test
    void missingRequiredMembersAreNamed() {
        assertThat(violations("CreateComponentRequest", TestModels.object("{'name': 'abc', 'platform': 'Linux'}")))
                .containsExactly(
                        "Value null at 'semanticVersion' failed to satisfy constraint: Member must not be null",
                        "Value null at 'clientToken' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void requiredMemberOfAListElementIsNamedWithItsIndex() {
        ObjectNode input = recipe();
        ((ObjectNode) input.at("/components/1")).remove("componentArn");
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value null at 'components[1].componentArn' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void patternViolationAtANestedPath() {
        ObjectNode input = recipe();
        ArrayNode params = ((ObjectNode) input.at("/components/0")).putArray("parameters");
        params.addObject().put("name", "ok").putArray("value").add("x");
        params.addObject().put("name", "p2").putArray("value").add("fine").add("bad\u0000");
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value 'bad\u0000' at 'components[0].parameters[1].value[1]' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: [^\\x00]*");
    }

    @Test
    void patternOfAnArnIsQuotedAsTheModelWritesIt() {
        ObjectNode input = recipe();
        ((ObjectNode) input.at("/components/0")).put("componentArn", "arn:aws:imagebuilder:us-west-2:123456789012:component/UPPER/1.0.0/1");
        assertThat(violations("CreateImageRecipeRequest", input)).singleElement().asString()
                .startsWith("Value 'arn:aws:imagebuilder:us-west-2:123456789012:component/UPPER/1.0.0/1' at 'components[0].componentArn' "
                        + "failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[^:]*:imagebuilder:");
    }

    @Test
    void enumViolationListsTheAllowedValues() {
        assertThat(violations("ListImagesRequest", TestModels.object("{'owner': 'Me'}"))).containsExactly(
                "Value 'Me' at 'owner' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[Self, Shared, Amazon, ThirdParty, AWSMarketplace]");
    }

    @Test
    void stringLengthBothWays() {
        ObjectNode input = recipe().put("description", "");
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value '' at 'description' failed to satisfy constraint: Member must have length greater than or equal to 1");
        input.put("description", "d".repeat(1025));
        assertThat(violations("CreateImageRecipeRequest", input)).singleElement().asString()
                .startsWith("Value '" + "d".repeat(100) + "...' at 'description'")
                .endsWith("Member must have length less than or equal to 1024");
    }

    @Test
    void lengthCountsCodePointsNotUtf16Units() {
        ObjectNode input = TestModels.object("{'name': 'abc', 'semanticVersion': '1.0.0', 'platform': 'Linux', 'clientToken': 't'}");
        input.put("description", "\uD83D\uDD25".repeat(1024));
        assertThat(violations("CreateComponentRequest", input)).isEmpty();
    }

    @Test
    void listSizeBothWays() {
        ObjectNode input = TestModels.object("{'name': 'abc', 'semanticVersion': '1.0.0', 'platform': 'Linux', 'clientToken': 't'}");
        ArrayNode versions = input.putArray("supportedOsVersions");
        assertThat(violations("CreateComponentRequest", input)).containsExactly(
                "Value '[]' at 'supportedOsVersions' failed to satisfy constraint: Member must have length greater than or equal to 1");
        for (int i = 0; i < 26; i++) {
            versions.add("Ubuntu " + i);
        }
        assertThat(violations("CreateComponentRequest", input)).singleElement().asString()
                .endsWith("at 'supportedOsVersions' failed to satisfy constraint: Member must have length less than or equal to 25");
    }

    @Test
    void numericRangeBothWaysAtTopAndNested() {
        assertThat(violations("ListImagesRequest", TestModels.object("{'maxResults': 0}"))).containsExactly(
                "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
        assertThat(violations("ListImagesRequest", TestModels.object("{'maxResults': 26}"))).containsExactly(
                "Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25");
        ObjectNode input = recipe();
        input.putArray("blockDeviceMappings").addObject().putObject("ebs").put("iops", 99).put("volumeSize", 16001);
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value '99' at 'blockDeviceMappings[0].ebs.iops' failed to satisfy constraint: Member must have value greater than or equal to 100",
                "Value '16001' at 'blockDeviceMappings[0].ebs.volumeSize' failed to satisfy constraint: Member must have value less than or equal to 16000");
    }

    @Test
    void longRangeBeyondIntIsExact() {
        ObjectNode input = TestModels.object("{'imageIndex': 4294967296}");
        assertThat(violations("WindowsConfiguration", input)).containsExactly(
                "Value '4294967296' at 'imageIndex' failed to satisfy constraint: Member must have value less than or equal to 4294967295");
        assertThat(violations("WindowsConfiguration", TestModels.object("{'imageIndex': 4294967295}"))).isEmpty();
    }

    @Test
    void mapKeysAndValuesAreCheckedInAwsWording() {
        ObjectNode input = recipe();
        input.putObject("tags").put("aws:owner", "me").put("Name", "v".repeat(257));
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value 'aws:owner' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: "
                        + "[Member must satisfy regular expression pattern: ^(?!aws:)[a-zA-Z0-9\\s_.:/=+\\-@]*$]",
                "Value '" + "v".repeat(100) + "...' at 'tags.Name' failed to satisfy constraint: Map value must satisfy constraint: "
                        + "[Member must have length less than or equal to 256]");
    }

    @Test
    void emptyMapKeyBreaksTwoConstraintsInOneViolation() {
        ObjectNode input = recipe();
        input.putObject("tags").put("", "v");
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value '' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: "
                        + "[Member must have length greater than or equal to 1]");
    }

    @Test
    void mapSize() {
        ObjectNode input = recipe();
        ObjectNode tags = input.putObject("tags");
        for (int i = 0; i < 51; i++) {
            tags.put("k" + i, "v");
        }
        assertThat(violations("CreateImageRecipeRequest", input)).singleElement().asString()
                .endsWith("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
    }

    @Test
    void everyViolationIsCollectedIntoOneException() {
        ObjectNode input = TestModels.object("""
                {'name': 'a', 'semanticVersion': '1.0', 'platform': 'Solaris', 'description': '',
                 'tags': {'aws:x': 'y'}, 'supportedOsVersions': [], 'dryRun': 'yes'}""");
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> VALIDATOR.validate(MODEL.operation("CreateComponent").orElseThrow(), input));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidRequestException);
        assertThat(e.getMessage()).startsWith("8 validation errors detected: Value 'a' at 'name' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: ^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$; "
                + "Value '1.0' at 'semanticVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + "^[0-9]+\\.[0-9]+\\.[0-9]+$; Value '' at 'description'");
        assertThat(e.getMessage().split("; Value ")).hasSize(8);
        assertThat(e.getMessage()).contains("Value 'yes' at 'dryRun' failed to satisfy constraint: Member must be of type boolean")
                .contains("Value null at 'clientToken' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void oneViolationIsWordedInTheSingular() {
        String message = message(MODEL.operation("GetImage").orElseThrow(), TestModels.object("{}"));
        assertThat(message).isEqualTo(
                "1 validation error detected: Value null at 'imageBuildVersionArn' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void emptyQueryValueFailsThePatternNotTheRequiredCheck() {
        assertThat(violations("GetImageRequest", TestModels.object("{'imageBuildVersionArn': ''}"))).singleElement().asString()
                .startsWith("Value '' at 'imageBuildVersionArn' failed to satisfy constraint: Member must satisfy regular expression pattern");
    }

    @Test
    void unknownMembersAreIgnored() {
        ObjectNode input = recipe().put("owner", "999999999999");
        ((ObjectNode) input.at("/components/0")).put("extra", true);
        assertThat(violations("CreateImageRecipeRequest", input)).isEmpty();
    }

    @Test
    void nullsCountAsAbsentInStructuresAndAreRefusedInLists() {
        ObjectNode input = recipe().putNull("description");
        assertThat(violations("CreateImageRecipeRequest", input)).isEmpty();
        input.putNull("name");
        ((ArrayNode) input.get("components")).addNull();
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value null at 'name' failed to satisfy constraint: Member must not be null",
                "Value null at 'components[2]' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void wrongTypeStopsTheChecksBelowIt() {
        ObjectNode input = recipe().put("components", "arn");
        assertThat(violations("CreateImageRecipeRequest", input)).containsExactly(
                "Value 'arn' at 'components' failed to satisfy constraint: Member must be of type list");
    }

    @Test
    void timestampsMustBeEpochSecondsAnInstantCanHold() {
        ObjectNode input = TestModels.object("{'resourceArn': 'arn:aws:imagebuilder:us-east-1:123456789012:image/x/1.0.0/1',"
                + " 'state': {'status': 'AVAILABLE'}, 'clientToken': 't', 'updateAt': 1700000000}");
        assertThat(violations("StartResourceStateUpdateRequest", input)).isEmpty();
        input.put("updateAt", "2024-01-01T00:00:00Z");
        assertThat(violations("StartResourceStateUpdateRequest", input)).containsExactly(
                "Value '2024-01-01T00:00:00Z' at 'updateAt' failed to satisfy constraint: Member must be of type timestamp");
        input.put("updateAt", new java.math.BigDecimal("1e20"));
        assertThat(violations("StartResourceStateUpdateRequest", input)).singleElement().asString()
                .endsWith("Member must be a timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        input.set("updateAt", DoubleNode.valueOf(Double.POSITIVE_INFINITY));
        assertThat(violations("StartResourceStateUpdateRequest", input)).hasSize(1);
    }

    @Test
    void nonFiniteDoublesSkipRangeChecks() {
        ServiceModel widgets = TestModels.widgets();
        ShapeValidator v = new ShapeValidator(widgets);
        assertThat(v.violations("Spec", TestModels.object("{'ratio': 'NaN'}"))).isEmpty();
        assertThat(v.violations("Spec", TestModels.object("{'ratio': -0.5}"))).containsExactly(
                "Value '-0.5' at 'ratio' failed to satisfy constraint: Member must have value greater than or equal to 0");
        assertThat(v.violations("Spec", TestModels.object("{'ratio': 'many'}"))).hasSize(1);
    }

    @Test
    void tagOperationsAnswerWithTheErrorTheyDeclare() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> VALIDATOR.validate(
                MODEL.operation("TagResource").orElseThrow(), TestModels.object("{'resourceArn': 'nope', 'tags': {}}")));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidParameterException);
        assertThat(e.getMessage()).startsWith("2 validation errors detected: Value 'nope' at 'resourceArn'");
        assertThat(ShapeValidator.errorTypeFor(MODEL.operation("ImportVmImage").orElseThrow())).isEqualTo(ErrorType.ClientException);
        assertThat(ShapeValidator.errorTypeFor(MODEL.operation("GetImage").orElseThrow()))
                .isEqualTo(ErrorType.InvalidRequestException);
    }

    @Test
    void validateByShapeNameUsesInvalidRequestException() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> VALIDATOR.validate("TagResourceRequest", TestModels.object("{}")));
        assertThat(e.type()).isEqualTo(ErrorType.InvalidRequestException);
    }

    @Test
    void operationWithoutInputAcceptsAnything() {
        ShapeValidator v = new ShapeValidator(TestModels.widgets());
        assertThatCode(() -> v.validate(TestModels.widgets().operation("Ping").orElseThrow(), TestModels.object("{'x': 1}")))
                .doesNotThrowAnyException();
    }

    @Test
    void topLevelValueOfTheWrongTypeIsOneViolation() {
        assertThat(VALIDATOR.violations("ListImagesRequest", TestModels.json("[1]"))).containsExactly(
                "Value '[1]' at 'ListImagesRequest' failed to satisfy constraint: Member must be of type structure");
    }

    @Test
    void thousandsOfViolationsAreCountedButTheMessageStaysBounded() {
        ObjectNode input = TestModels.object("{}");
        ArrayNode filters = input.putArray("filters");
        for (int i = 0; i < 5000; i++) {
            filters.addObject().put("name", "bad name " + i);
        }
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> VALIDATOR.validate(MODEL.operation("ListImages").orElseThrow(), input));
        assertThat(e.getMessage()).startsWith("5001 validation errors detected: ").endsWith("; and 4901 more")
                .hasSizeLessThan(40_000);
    }

    @Test
    void hugeValuesAreShortenedAndNotMatchedAgainstPatterns() {
        ObjectNode input = TestModels.object("{'name': 'abc', 'semanticVersion': '1.0.0', 'platform': 'Linux', 'clientToken': 't'}");
        input.put("data", "y".repeat(2_000_000));
        List<String> found = violations("CreateComponentRequest", input);
        assertThat(found).singleElement().asString()
                .isEqualTo("Value '" + "y".repeat(100) + "...' at 'data' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 16000");
    }
}
