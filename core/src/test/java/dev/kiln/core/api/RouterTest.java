package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final String ARN = "arn:aws:imagebuilder:us-east-1:123456789012:image/my-image/1.0.0/1";
    /** botocore's encoding of {@link #ARN} as the tag label. */
    private static final String ENCODED_ARN =
            "arn%3Aaws%3Aimagebuilder%3Aus-east-1%3A123456789012%3Aimage%2Fmy-image%2F1.0.0%2F1";

    /** The 77 operations with their method and path, from the reference's table (§1.6), not from the model. */
    private static final String TABLE = """
                CreateComponent PUT /CreateComponent
                GetComponent GET /GetComponent
                ListComponents POST /ListComponents
                ListComponentBuildVersions POST /ListComponentBuildVersions
                DeleteComponent DELETE /DeleteComponent
                ImportComponent PUT /ImportComponent
                GetComponentPolicy GET /GetComponentPolicy
                PutComponentPolicy PUT /PutComponentPolicy
                CreateImageRecipe PUT /CreateImageRecipe
                GetImageRecipe GET /GetImageRecipe
                ListImageRecipes POST /ListImageRecipes
                DeleteImageRecipe DELETE /DeleteImageRecipe
                GetImageRecipePolicy GET /GetImageRecipePolicy
                PutImageRecipePolicy PUT /PutImageRecipePolicy
                CreateContainerRecipe PUT /CreateContainerRecipe
                GetContainerRecipe GET /GetContainerRecipe
                ListContainerRecipes POST /ListContainerRecipes
                DeleteContainerRecipe DELETE /DeleteContainerRecipe
                GetContainerRecipePolicy GET /GetContainerRecipePolicy
                PutContainerRecipePolicy PUT /PutContainerRecipePolicy
                CreateInfrastructureConfiguration PUT /CreateInfrastructureConfiguration
                GetInfrastructureConfiguration GET /GetInfrastructureConfiguration
                ListInfrastructureConfigurations POST /ListInfrastructureConfigurations
                UpdateInfrastructureConfiguration PUT /UpdateInfrastructureConfiguration
                DeleteInfrastructureConfiguration DELETE /DeleteInfrastructureConfiguration
                CreateDistributionConfiguration PUT /CreateDistributionConfiguration
                GetDistributionConfiguration GET /GetDistributionConfiguration
                ListDistributionConfigurations POST /ListDistributionConfigurations
                UpdateDistributionConfiguration PUT /UpdateDistributionConfiguration
                DeleteDistributionConfiguration DELETE /DeleteDistributionConfiguration
                CreateImagePipeline PUT /CreateImagePipeline
                GetImagePipeline GET /GetImagePipeline
                ListImagePipelines POST /ListImagePipelines
                UpdateImagePipeline PUT /UpdateImagePipeline
                DeleteImagePipeline DELETE /DeleteImagePipeline
                StartImagePipelineExecution PUT /StartImagePipelineExecution
                ListImagePipelineImages POST /ListImagePipelineImages
                CreateImage PUT /CreateImage
                GetImage GET /GetImage
                ListImages POST /ListImages
                ListImageBuildVersions POST /ListImageBuildVersions
                DeleteImage DELETE /DeleteImage
                CancelImageCreation PUT /CancelImageCreation
                RetryImage PUT /RetryImage
                DistributeImage PUT /DistributeImage
                ListImagePackages POST /ListImagePackages
                GetImagePolicy GET /GetImagePolicy
                PutImagePolicy PUT /PutImagePolicy
                ImportVmImage PUT /ImportVmImage
                ImportDiskImage PUT /ImportDiskImage
                ListImageScanFindings POST /ListImageScanFindings
                ListImageScanFindingAggregations POST /ListImageScanFindingAggregations
                CreateWorkflow PUT /CreateWorkflow
                GetWorkflow GET /GetWorkflow
                ListWorkflows POST /ListWorkflows
                ListWorkflowBuildVersions POST /ListWorkflowBuildVersions
                DeleteWorkflow DELETE /DeleteWorkflow
                GetWorkflowExecution GET /GetWorkflowExecution
                ListWorkflowExecutions POST /ListWorkflowExecutions
                GetWorkflowStepExecution GET /GetWorkflowStepExecution
                ListWorkflowStepExecutions POST /ListWorkflowStepExecutions
                ListWaitingWorkflowSteps POST /ListWaitingWorkflowSteps
                SendWorkflowStepAction PUT /SendWorkflowStepAction
                CreateLifecyclePolicy PUT /CreateLifecyclePolicy
                GetLifecyclePolicy GET /GetLifecyclePolicy
                ListLifecyclePolicies POST /ListLifecyclePolicies
                UpdateLifecyclePolicy PUT /UpdateLifecyclePolicy
                DeleteLifecyclePolicy DELETE /DeleteLifecyclePolicy
                GetLifecycleExecution GET /GetLifecycleExecution
                ListLifecycleExecutions POST /ListLifecycleExecutions
                ListLifecycleExecutionResources POST /ListLifecycleExecutionResources
                CancelLifecycleExecution PUT /CancelLifecycleExecution
                StartResourceStateUpdate PUT /StartResourceStateUpdate
                TagResource POST /tags/{resourceArn}
                UntagResource DELETE /tags/{resourceArn}
                ListTagsForResource GET /tags/{resourceArn}
                GetMarketplaceResource POST /GetMarketplaceResource
                """;

    @Test
    void routesEveryOperationFromItsMethodAndPath() {
        List<String> rows = TABLE.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertThat(rows).hasSize(77);
        for (String row : rows) {
            String[] f = row.split(" ");
            String path = f[2].replace("{resourceArn}", ENCODED_ARN);
            Optional<Route> route = MODEL.route(f[1], path);
            assertThat(route).as(row).isPresent();
            assertThat(route.get().operation().name()).as(row).isEqualTo(f[0]);
            assertThat(route.get().labels()).as(row)
                    .isEqualTo(f[2].contains("{") ? Map.of("resourceArn", ARN) : Map.of());
        }
    }

    @Test
    void everyModelOperationIsReachedThroughItsOwnRoute() {
        for (Operation op : MODEL.operations()) {
            String path = op.requestUri().replace("{resourceArn}", ENCODED_ARN);
            assertThat(MODEL.route(op.method(), path).map(r -> r.operation().name())).contains(op.name());
        }
    }

    @Test
    void tagPathLabelIsTheWholeRestOfThePathPercentDecoded() {
        for (String method : List.of("GET", "POST", "DELETE")) {
            Route route = MODEL.route(method, "/tags/" + ENCODED_ARN).orElseThrow();
            assertThat(route.labels()).containsExactly(Map.entry("resourceArn", ARN));
        }
        assertThat(MODEL.route("GET", "/tags/" + ENCODED_ARN).orElseThrow().operation().name())
                .isEqualTo("ListTagsForResource");
        assertThat(MODEL.route("POST", "/tags/" + ENCODED_ARN).orElseThrow().operation().name())
                .isEqualTo("TagResource");
        assertThat(MODEL.route("DELETE", "/tags/" + ENCODED_ARN).orElseThrow().operation().name())
                .isEqualTo("UntagResource");
    }

    @Test
    void tagPathAcceptsAnArnWrittenWithLiteralColonsAndSlashes() {
        Route route = MODEL.route("GET", "/tags/" + ARN).orElseThrow();
        assertThat(route.labels().get("resourceArn")).isEqualTo(ARN);
    }

    @Test
    void tagPathAcceptsLowerCaseEscapesAndMixedEncoding() {
        Route route = MODEL.route("GET", "/tags/arn%3aaws%3aimagebuilder:us-east-1:123456789012:image%2fmy-image/1.0.0%2F1")
                .orElseThrow();
        assertThat(route.labels().get("resourceArn")).isEqualTo(ARN);
    }

    @Test
    void labelDecodesUtf8AndKeepsPlusAsPlus() {
        Route route = MODEL.route("GET", "/tags/a%20b+c%C3%A9%F0%9F%94%A5").orElseThrow();
        assertThat(route.labels().get("resourceArn")).isEqualTo("a b+c\u00e9\uD83D\uDD25");
    }

    @Test
    void malformedEscapesStayLiteralAndInvalidUtf8BecomesReplacementCharacters() {
        assertThat(MODEL.route("GET", "/tags/a%zz%4").orElseThrow().labels().get("resourceArn")).isEqualTo("a%zz%4");
        assertThat(MODEL.route("GET", "/tags/a%FFb").orElseThrow().labels().get("resourceArn")).isEqualTo("a\uFFFDb");
        assertThat(MODEL.route("GET", "/tags/%").orElseThrow().labels().get("resourceArn")).isEqualTo("%");
    }

    @Test
    void emptyTagLabelMatchesNothing() {
        assertThat(MODEL.route("GET", "/tags/")).isEmpty();
        assertThat(MODEL.route("GET", "/tags")).isEmpty();
    }

    @Test
    void wrongMethodOrUnknownPathMatchesNothing() {
        assertThat(MODEL.route("GET", "/CreateComponent")).isEmpty();
        assertThat(MODEL.route("PUT", "/createcomponent")).isEmpty();
        assertThat(MODEL.route("PUT", "/CreateComponent/")).isEmpty();
        assertThat(MODEL.route("PUT", "/CreateComponent/x")).isEmpty();
        assertThat(MODEL.route("PUT", "//CreateComponent")).isEmpty();
        assertThat(MODEL.route("PUT", "")).isEmpty();
        assertThat(MODEL.route("PUT", "/")).isEmpty();
        assertThat(MODEL.route("PUT", "/tags/" + ENCODED_ARN)).isEmpty();
        assertThat(MODEL.route("PATCH", "/GetImage")).isEmpty();
        assertThat(MODEL.route(null, "/GetImage")).isEmpty();
        assertThat(MODEL.route("GET", null)).isEmpty();
    }

    @Test
    void methodIsMatchedWhateverItsCase() {
        assertThat(MODEL.route("get", "/GetImage").map(r -> r.operation().name())).contains("GetImage");
    }

    @Test
    void queryStringInThePathIsIgnored() {
        assertThat(MODEL.route("GET", "/GetImage?imageBuildVersionArn=x").map(r -> r.operation().name()))
                .contains("GetImage");
        assertThat(MODEL.route("DELETE", "/tags/" + ENCODED_ARN + "?tagKeys=a").orElseThrow().labels())
                .containsEntry("resourceArn", ARN);
    }

    @Test
    void innerLabelTakesOneSegmentAndGreedyLabelTheRest() {
        ServiceModel widgets = TestModels.widgets();
        Route route = widgets.route("PUT", "/owners/ann%2Fbob/widgets/a/b%2Fc").orElseThrow();
        assertThat(route.operation().name()).isEqualTo("PutWidget");
        assertThat(route.labels()).containsEntry("owner", "ann/bob").containsEntry("key", "a/b/c");
        assertThat(widgets.route("PUT", "/owners//widgets/a")).isEmpty();
        assertThat(widgets.route("PUT", "/owners/ann/widgets/")).isEmpty();
        assertThat(widgets.route("PUT", "/owners/ann/gadgets/a")).isEmpty();
        assertThat(widgets.route("PUT", "/owners/ann")).isEmpty();
    }

    @Test
    void twoOperationsOnOnePathAreRefused() {
        Operation a = new Operation("A", "GET", "/X", null, null, List.of(), null);
        Operation b = new Operation("B", "GET", "/X", null, null, List.of(), null);
        assertThatThrownBy(() -> new Router(List.of(a, b))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("A and B");
    }

    @Test
    void templatesWithTextAroundALabelAreRefused() {
        Operation a = new Operation("A", "GET", "/x-{id}", null, null, List.of(), null);
        assertThatThrownBy(() -> new Router(List.of(a))).isInstanceOf(IllegalStateException.class);
    }
}
