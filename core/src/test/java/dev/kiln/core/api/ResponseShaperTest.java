package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ResponseShaperTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();
    private static final ResponseShaper SHAPER = new ResponseShaper(MODEL);

    private static ObjectNode built() {
        return TestModels.object("""
                {'requestId': 'r-1', 'accountId': '123456789012', 'storeVersion': 7,
                 'image': {'arn': 'arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03/1',
                   'name': 'MyBasicRecipe', 'ownerAccount': '123456789012', 'dbId': 42,
                   'state': {'status': 'BUILDING', 'internalStep': 'LaunchBuildInstance'},
                   'imageRecipe': {'name': 'MyBasicRecipe', 'components': [{'componentArn': 'arn:c', 'hash': 'abc'}],
                                   'tags': {'Env': 'prod'}},
                   'outputResources': {'amis': [{'region': 'us-west-2', 'image': 'ami-1', 'qcow2Path': '/data/x.qcow2'}]},
                   'tags': {'Team': 'a'},
                   'deprecationTime': 1700000000,
                   'osVersion': null}}
                """);
    }

    @Test
    void answerKeepsOnlyTheMembersTheModelDefinesAtEveryDepth() {
        ObjectNode answer = SHAPER.shape(MODEL.operation("GetImage").orElseThrow(), built());
        assertThat(answer).isEqualTo(TestModels.json("""
                {'requestId': 'r-1',
                 'image': {'arn': 'arn:aws:imagebuilder:us-west-2:123456789012:image/mybasicrecipe/2019.12.03/1',
                   'name': 'MyBasicRecipe',
                   'state': {'status': 'BUILDING'},
                   'imageRecipe': {'name': 'MyBasicRecipe', 'components': [{'componentArn': 'arn:c'}], 'tags': {'Env': 'prod'}},
                   'outputResources': {'amis': [{'region': 'us-west-2', 'image': 'ami-1'}]},
                   'tags': {'Team': 'a'},
                   'deprecationTime': 1700000000}}
                """));
    }

    @Test
    void answerIsACopy() {
        ObjectNode built = built();
        ObjectNode answer = SHAPER.shape("GetImageResponse", built);
        ((ObjectNode) answer.get("image")).put("name", "changed");
        assertThat(built.at("/image/name").asText()).isEqualTo("MyBasicRecipe");
    }

    @Test
    void containersInScalarSlotsAndScalarsInContainerSlotsAreDropped() {
        ObjectNode answer = SHAPER.shape("GetImageResponse", TestModels.object(
                "{'requestId': {'leak': true}, 'image': {'name': ['x'], 'state': 'BUILDING', 'tags': ['a'], 'arn': 'a'}}"));
        assertThat(answer).isEqualTo(TestModels.json("{'image': {'arn': 'a'}}"));
    }

    @Test
    void emptyCollectionsAreKeptAsAwsSendsThem() {
        ObjectNode answer = SHAPER.shape("GetImageResponse", TestModels.object("{'image': {'tags': {}, 'outputResources': {'amis': []}}}"));
        assertThat(answer).isEqualTo(TestModels.json("{'image': {'tags': {}, 'outputResources': {'amis': []}}}"));
    }

    @Test
    void nullOrNonObjectBuildsAnEmptyAnswer() {
        assertThat(SHAPER.shape("TagResourceResponse", null)).isEmpty();
        assertThat(SHAPER.shape("TagResourceResponse", TestModels.json("[1]"))).isEmpty();
        assertThat(SHAPER.shape("TagResourceResponse", TestModels.object("{'x': 1}"))).isEmpty();
    }

    @Test
    void shapingByAScalarShapeNameIsRefused() {
        assertThatThrownBy(() -> SHAPER.shape("ResourceName", TestModels.object("{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a structure");
        assertThatThrownBy(() -> SHAPER.shape("Nope", TestModels.object("{}"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mismatchesNameUnknownFieldsAndWrongTypesWithTheirPaths() {
        assertThat(SHAPER.mismatches("GetImageResponse", built())).containsExactly(
                "accountId: GetImageResponse has no member 'accountId'",
                "storeVersion: GetImageResponse has no member 'storeVersion'",
                "image.ownerAccount: Image has no member 'ownerAccount'",
                "image.dbId: Image has no member 'dbId'",
                "image.state.internalStep: ImageState has no member 'internalStep'",
                "image.imageRecipe.components[0].hash: ComponentConfiguration has no member 'hash'",
                "image.outputResources.amis[0].qcow2Path: Ami has no member 'qcow2Path'");
        assertThat(SHAPER.mismatches("GetImageResponse", TestModels.object(
                "{'image': {'name': 5, 'state': 'BUILDING', 'deprecationTime': '2024-01-01', 'tags': {'a': 1}}}")))
                .containsExactly(
                        "image.name: expected string ResourceName, got number",
                        "image.state: expected structure ImageState, got string",
                        "image.deprecationTime: expected timestamp DateTimeTimestamp, got string",
                        "image.tags.a: expected string TagValue, got number");
    }

    @Test
    void answerThatFitsHasNoMismatches() {
        assertThat(SHAPER.mismatches("GetImageResponse", SHAPER.shape("GetImageResponse", built()))).isEmpty();
    }

    @Test
    void operationWithoutOutputAnswersAnEmptyObject() {
        ResponseShaper widgets = new ResponseShaper(TestModels.widgets());
        assertThat(widgets.shape(TestModels.widgets().operation("Ping").orElseThrow(), TestModels.object("{'a': 1}"))).isEmpty();
    }
}
