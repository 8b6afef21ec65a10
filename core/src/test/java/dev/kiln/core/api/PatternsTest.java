package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PatternsTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();

    /**
     * Values each pattern must accept. The ARNs, names and versions come from the AWS CLI's imagebuilder
     * examples (botocore's own examples-1.json for imagebuilder is empty); the rest follow the formats
     * AWS documents for them (lifecycle/workflow ids, organization ARNs, launch templates, base64 user data).
     */
    private static final Map<String, List<String>> VALID = Map.ofEntries(
            Map.entry("AccountId", List.of("123456789012")),
            Map.entry("AmiNameString", List.of("Name {{imagebuilder:buildDate}}",
                    "My {{imagebuilder:buildVersion}} image {{imagebuilder:buildDate}}", "{{ imagebuilder:buildDate }}")),
            Map.entry("ComponentBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:component/myexamplecomponent/2019.12.02/1",
                    "arn:aws:imagebuilder:us-west-2:aws:component/update-linux/1.0.2/1")),
            Map.entry("ComponentParameterDescription", List.of("The greeting to print")),
            Map.entry("ComponentParameterName", List.of("Greeting")),
            Map.entry("ComponentParameterType", List.of("String", "Integer", "Boolean", "StringList")),
            Map.entry("ComponentParameterValue", List.of("", "hello world")),
            Map.entry("ComponentVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:component/myexamplecomponent/2019.12.02")),
            Map.entry("ComponentVersionArnOrBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:component/myexamplecomponent/2019.12.02/1",
                    "arn:aws:imagebuilder:us-west-2:123456789012:component/myimportedcomponent/1.0.0/1",
                    "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x",
                    "arn:aws:imagebuilder:us-east-1:aws-marketplace:component/thing/1.x.x")),
            Map.entry("ContainerRecipeArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:container-recipe/mybasicrecipe/2020.12.03")),
            Map.entry("DistributionConfigurationArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:distribution-configuration/myexampledistribution")),
            Map.entry("FilterName", List.of("name", "platform")),
            Map.entry("FilterValue", List.of("MyBasicRecipe", "Linux", "1.0.0")),
            Map.entry("HttpTokens", List.of("optional", "required")),
            Map.entry("ImageBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03/1")),
            Map.entry("ImageBuilderArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-pipeline/mywindows2016pipeline",
                    "arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03/1",
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/2019.12.03",
                    "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/my-workflow/1.0.0/1")),
            Map.entry("ImagePipelineArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-pipeline/mywindows2016pipeline")),
            Map.entry("ImageRecipeArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/2019.12.03",
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/mybasicrecipe/1.x.x")),
            Map.entry("ImageVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03")),
            Map.entry("ImageVersionArnOrBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03/1",
                    "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x")),
            Map.entry("InfrastructureConfigurationArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:infrastructure-configuration/myexampleinfrastructure")),
            Map.entry("InlineComponentData", List.of("name: hello\nschemaVersion: 1.0\nphases: []\n")),
            Map.entry("InlineDockerFileTemplate", List.of(
                    "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:environments }}}\n{{{ imagebuilder:components }}}")),
            Map.entry("InlineWorkflowData", List.of("name: build-image\nschemaVersion: 1.0\nsteps: []\n")),
            Map.entry("InstanceProfileNameType", List.of("EC2InstanceProfileForImageBuilder")),
            Map.entry("LaunchTemplateId", List.of("lt-0a1b2c3d4e5f67890")),
            Map.entry("LicenseConfigurationArn", List.of(
                    "arn:aws:license-manager:us-west-2:123456789012:license-configuration:lic-0123456789abcdef0123456789abcdef")),
            Map.entry("LifecycleExecutionId", List.of("lce-a1b2c3d4-5678-90ab-cdef-1234567890ab")),
            Map.entry("LifecyclePolicyArn", List.of("arn:aws:imagebuilder:us-east-1:123456789012:lifecycle-policy/my-policy")),
            Map.entry("LogGroupName", List.of("/aws/imagebuilder/MyBasicRecipe")),
            Map.entry("MarketplaceResourceLocation", List.of("s3://bucket-name/path/to/file.txt")),
            Map.entry("OrganizationArn", List.of("arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5")),
            Map.entry("OrganizationalUnitArn", List.of("arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56")),
            Map.entry("ParallelGroup", List.of("group-1", "a")),
            Map.entry("ProductCodeId", List.of("abcdef1234567890")),
            Map.entry("ResourceName", List.of("MyBasicRecipe", "MyExampleInfrastructure", "My Windows 2016 Pipeline",
                    "my-example-pipeline")),
            Map.entry("RoleNameOrArn", List.of("EC2ImageBuilderDistributionCrossAccountRole",
                    "arn:aws:iam::123456789012:role/ImageBuilderExecution")),
            Map.entry("SnsTopicArn", List.of("arn:aws:sns:us-west-2:123456789012:sns-topic-name")),
            Map.entry("SsmParameterName", List.of("/output/image/latest")),
            Map.entry("TagKey", List.of("KeyName", "Environment", "cost center:team/a")),
            Map.entry("Timezone", List.of("Etc/UTC", "America/Los_Angeles", "UTC")),
            Map.entry("UserDataOverride", List.of("IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=", "YQ==", "YWI=")),
            Map.entry("VersionNumber", List.of("2019.12.03", "1.0.0")),
            Map.entry("WildcardVersionNumber", List.of("2019.12.03", "1.0.x", "x.x.x")),
            Map.entry("WorkflowBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-east-1:123456789012:workflow/build/my-workflow/1.0.0/1")),
            Map.entry("WorkflowExecutionId", List.of("wf-a1b2c3d4-5678-90ab-cdef-1234567890ab")),
            Map.entry("WorkflowNameArn", List.of("arn:aws:imagebuilder:us-east-1:aws:workflow/build/build-image/x.x.x")),
            Map.entry("WorkflowParameterDescription", List.of("Wait at the end")),
            Map.entry("WorkflowParameterName", List.of("waitForActionAtEnd")),
            Map.entry("WorkflowParameterType", List.of("string", "integer", "boolean", "stringList")),
            Map.entry("WorkflowParameterValue", List.of("", "true")),
            Map.entry("WorkflowStepAction", List.of("RESUME", "STOP")),
            Map.entry("WorkflowStepExecutionId", List.of("step-a1b2c3d4-5678-90ab-cdef-1234567890ab")),
            Map.entry("WorkflowStepName", List.of("LaunchBuildInstance")),
            Map.entry("WorkflowVersionArn", List.of("arn:aws:imagebuilder:us-east-1:123456789012:workflow/test/my-workflow/1.0.0")),
            Map.entry("WorkflowVersionArnOrBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-east-1:aws:workflow/build/build-image/1.0.2/1",
                    "arn:aws:imagebuilder:us-east-1:aws:workflow/test/test-image/x.x.x")),
            Map.entry("WorkflowWildcardVersionArn", List.of(
                    "arn:aws:imagebuilder:us-east-1:123456789012:workflow/distribution/my-dist/1.x.x")));

    /** Values each pattern must refuse, under whole-value matching. */
    private static final Map<String, List<String>> INVALID = Map.ofEntries(
            Map.entry("AccountId", List.of("12345678901", "1234567890123", "aws")),
            Map.entry("ResourceName", List.of("ab", "bad/name", " leading", "trailing ", "x".repeat(129))),
            Map.entry("TagKey", List.of("aws:reserved", "semi;colon")),
            Map.entry("Timezone", List.of("UTC; rm -rf /", "U", "Etc/UTC\n")),
            Map.entry("VersionNumber", List.of("1.0", "1.0.0.0", "1.0.x", "v1.0.0")),
            Map.entry("WildcardVersionNumber", List.of("1.x", "X.x.x", "1.0.0/1")),
            Map.entry("ComponentParameterType", List.of("Strings", "xInteger", "string")),
            Map.entry("HttpTokens", List.of("Required", "optionalrequired")),
            Map.entry("ComponentParameterName", List.of("a\u0000b")),
            Map.entry("UserDataOverride", List.of("abc", "####")),
            Map.entry("LogGroupName", List.of("bad group")),
            Map.entry("ImageRecipeArn", List.of(
                    // the AWS CLI's get-image-recipe-policy example: recipes have no build number
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/my-example-image-recipe/2019.12.03/1",
                    "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/MyBasicRecipe/2019.12.03")),
            Map.entry("ImageBuildVersionArn", List.of(
                    "arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03")),
            Map.entry("WorkflowVersionArnOrBuildVersionArn", List.of(
                    // workflow ARNs insist on a region shaped like one
                    "arn:aws:imagebuilder:local:123456789012:workflow/build/x/1.0.0")),
            Map.entry("OrganizationalUnitArn", List.of(
                    "arn:aws:organizations::123456789012:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56/trailing junk")));

    @Test
    void everyPatternOfTheModelCompiles() {
        List<Shape> withPatterns = MODEL.shapes().stream().filter(s -> s.pattern() != null).toList();
        assertThat(withPatterns).hasSize(57);
        for (Shape s : withPatterns) {
            assertThat(s.compiled()).as(s.name()).isNotNull();
            assertThat(Pattern.compile(Patterns.toJava(s.pattern()))).as(s.name()).isNotNull();
        }
    }

    @Test
    void everyPatternHasExamplesAndAcceptsThem() {
        Set<String> withPatterns = MODEL.shapes().stream().filter(s -> s.pattern() != null).map(Shape::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(VALID.keySet())).isEqualTo(withPatterns);
        VALID.forEach((shape, values) -> {
            Shape s = MODEL.shape(shape);
            for (String v : values) {
                assertThat(Patterns.matches(s.compiled(), v)).as(shape + " accepts " + v).isTrue();
            }
        });
    }

    @Test
    void patternsRefuseValuesOutsideThem() {
        INVALID.forEach((shape, values) -> {
            Shape s = MODEL.shape(shape);
            for (String v : values) {
                assertThat(Patterns.matches(s.compiled(), v)).as(shape + " refuses " + v).isFalse();
            }
        });
    }

    @Test
    void wholeValueMustMatchEvenWhenThePatternIsUnanchored() {
        Pattern p = Patterns.compile("[a-z]+");
        assertThat(Patterns.matches(p, "abc")).isTrue();
        assertThat(Patterns.matches(p, "abc def")).isFalse();
        Pattern anchored = Patterns.compile("^[a-z]+$");
        assertThat(Patterns.matches(anchored, "abc\n")).isFalse();
    }

    @Test
    void bracketAndDoubleAmpersandInsideAClassAreLiterals() {
        assertThat(Patterns.toJava("[a[b]")).isEqualTo("[a\\[b]");
        assertThat(Patterns.matches(Patterns.compile("[a[b]+"), "a[b")).isTrue();
        assertThat(Patterns.matches(Patterns.compile("[a&&b]+"), "a&b")).isTrue();
    }

    @Test
    void emptyClassesTranslate() {
        assertThat(Patterns.matches(Patterns.compile("a[]"), "a")).isFalse();
        assertThat(Patterns.matches(Patterns.compile("a[^]"), "a\n")).isTrue();
    }

    @Test
    void braceThatStartsNoQuantifierIsALiteral() {
        assertThat(Patterns.toJava("{x}a{2}b{1,}c{1,3}")).isEqualTo("\\{x}a{2}b{1,}c{1,3}");
        assertThat(Patterns.matches(Patterns.compile("\\{\\{ [a-z]+ }}"), "{{ abc }}")).isTrue();
        assertThat(Patterns.matches(Patterns.compile("{{ [a-z]+ }}"), "{{ abc }}")).isTrue();
    }

    @Test
    void escapesAreCopiedAsTheyAre() {
        assertThat(Patterns.toJava("\\[\\x00\\/")).isEqualTo("\\[\\x00\\/");
        assertThat(Patterns.toJava("[\\]a]")).isEqualTo("[\\]a]");
    }

    @Test
    void unbalancedPatternsStillFailToCompile() {
        assertThatThrownBy(() -> Patterns.compile("(a")).isInstanceOf(java.util.regex.PatternSyntaxException.class);
    }
}
