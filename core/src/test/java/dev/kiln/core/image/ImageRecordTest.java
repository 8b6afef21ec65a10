package dev.kiln.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.resource.Json;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRecordTest {
    private static ObjectNode read(String json) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
    }

    @Test
    void theStatusesAreTheModelsInItsOrder() throws Exception {
        JsonNode model;
        try (InputStream in = ImageRecordTest.class
                .getResourceAsStream("/dev/kiln/core/api/imagebuilder-2019-12-02.json")) {
            model = Json.MAPPER.readTree(in);
        }
        List<String> statuses = new ArrayList<>();
        model.at("/shapes/ImageStatus/enum").forEach(s -> statuses.add(s.asText()));
        assertThat(Arrays.stream(ImageStatus.values()).map(Enum::name).toList()).isEqualTo(statuses);
        assertThat(Arrays.stream(ImageStatus.values()).filter(ImageStatus::inProgress).map(Enum::name))
                .containsExactly("PENDING", "CREATING", "BUILDING", "TESTING", "DISTRIBUTING", "INTEGRATING");
        assertThat(Arrays.stream(ImageStatus.values()).filter(ImageStatus::unusable).map(Enum::name))
                .containsExactly("CANCELLED", "FAILED", "DELETED", "DISABLED");
    }

    @Test
    void readsTheStoredImageByName() throws Exception {
        ImageRecord image = ImageRecord.of(read("""
                {'arn': 'arn:aws:imagebuilder:us-east-1:111111111111:image/web/1.0.0/2', 'type': 'AMI',
                 'name': 'web', 'version': '1.0.0/2', 'state': {'status': 'FAILED', 'reason': 'no space'},
                 'imageRecipe': {'arn': 'arn:r', 'name': 'web', 'version': '1.0.0', 'parentImage': 'ami-1',
                                 'components': [{'componentArn': 'arn:c'}]},
                 'infrastructureConfiguration': {'arn': 'arn:i', 'instanceTypes': ['t3.small'],
                     'snsTopicArn': 'arn:aws:sns:us-east-1:111111111111:t',
                     'logging': {'s3Logs': {'s3BucketName': 'logs'}}},
                 'imageTestsConfiguration': {'imageTestsEnabled': false, 'timeoutMinutes': 60},
                 'sourcePipelineArn': 'arn:p', 'dateCreated': '2026-01-01T00:00:00.000Z',
                 'outputResources': {'amis': [
                     {'region': 'us-east-1', 'image': 'ami-a', 'accountId': '111111111111'},
                     {'region': 'us-west-2', 'image': 'ami-b', 'accountId': '222222222222'}]}}
                """));

        assertThat(image.state()).isEqualTo(new ImageRecord.State(ImageStatus.FAILED, "no space"));
        assertThat(image.machineImage()).isTrue();
        assertThat(image.container()).isFalse();
        assertThat(image.recipe().orElseThrow().arn()).isEqualTo("arn:r");
        assertThat(image.recipe().orElseThrow().parentImage()).isEqualTo("ami-1");
        assertThat(image.recipe().orElseThrow().description()).isNull();
        assertThat(image.infrastructure().instanceType("m5.large")).isEqualTo("t3.small");
        assertThat(image.infrastructure().terminateInstanceOnFailure()).isTrue();
        assertThat(image.infrastructure().snsTopicArn()).contains("arn:aws:sns:us-east-1:111111111111:t");
        assertThat(image.infrastructure().logsBucket()).isEqualTo("logs");
        assertThat(image.infrastructure().logsKeyPrefix()).isEmpty();
        assertThat(image.testsEnabled()).isFalse();
        assertThat(image.testTimeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(image.sourcePipelineArn()).contains("arn:p");
        assertThat(image.distributionConfiguration()).isEmpty();
        assertThat(image.ami("us-west-2", "222222222222").map(ImageRecord.Ami::imageId)).contains("ami-b");
        assertThat(image.ami("us-west-2", "111111111111")).isEmpty();
        assertThat(image.amiIn("us-west-2").map(ImageRecord.Ami::imageId)).contains("ami-b");
        assertThat(image.made("ami-a")).isTrue();
        assertThat(image.made("ami-c")).isFalse();
        assertThat(image.deprecatedAt(Instant.now())).isFalse();
    }

    @Test
    void anImageWithoutAStateIsPendingAndTheDefaultsAreAwss() throws Exception {
        ImageRecord image = ImageRecord.of(read("{'containerRecipe': {'arn': 'arn:c'}}"));

        assertThat(image.status()).isEqualTo(ImageStatus.PENDING);
        assertThat(image.reason()).isEmpty();
        assertThat(image.container()).isTrue();
        assertThat(image.recipe().orElseThrow().arn()).isEqualTo("arn:c");
        assertThat(image.testsEnabled()).isTrue();
        assertThat(image.testTimeout()).isEqualTo(Duration.ofMinutes(720));
        assertThat(image.infrastructure().snsTopicArn()).isEmpty();
        assertThat(image.firstContainerImageUri()).isEmpty();
        assertThat(ImageRecord.of(read("{}")).recipe()).isEmpty();
    }

    @Test
    void updatesWriteTheModelsShapeInPlace() throws Exception {
        ObjectNode body = read("{'state': {'status': 'BUILDING'}, 'outputResources': {'amis': []}}");

        ImageRecord.of(body).setState(ImageStatus.FAILED, "why");
        assertThat(body.get("state")).isEqualTo(read("{'status': 'FAILED', 'reason': 'why'}"));
        ImageRecord.of(body).setState(ImageStatus.PENDING);
        assertThat(body.get("state")).isEqualTo(read("{'status': 'PENDING'}"));

        ImageRecord.of(body).setOutput(ImageRecord.Output.AMIS, read("{'a': [{'image': 'ami-a'}]}").get("a"));
        assertThat(body.get("outputResources")).isEqualTo(read("{'amis': [{'image': 'ami-a'}]}"));
        ImageRecord.of(body).clearOutputs();
        assertThat(body.get("outputResources")).isEqualTo(read("{}"));
        ImageRecord.of(body).setOutput(ImageRecord.Output.CONTAINERS, Json.object().arrayNode());
        assertThat(body.get("outputResources")).isEqualTo(read("{'containers': []}"));
    }

    @Test
    void aPendingImageWithCopiesOnRecordOnlyDistributes() throws Exception {
        assertThat(BuildIntent.of(ImageRecord.of(read("{'outputResources': {'amis': []}}"))))
                .isEqualTo(BuildIntent.BUILD);
        assertThat(BuildIntent.of(ImageRecord.of(read("{'outputResources': {}}")))).isEqualTo(BuildIntent.BUILD);
        assertThat(BuildIntent.of(ImageRecord.of(read("{'outputResources': {'containers': []}}"))))
                .isEqualTo(BuildIntent.BUILD);
        assertThat(BuildIntent.of(ImageRecord.of(read("{'outputResources': {'amis': [{'image': 'ami-a'}]}}"))))
                .isEqualTo(BuildIntent.DISTRIBUTE);
    }
}
