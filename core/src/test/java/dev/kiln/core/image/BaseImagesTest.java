package dev.kiln.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import dev.kiln.core.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseImagesTest {
    private final InMemoryStore store = new InMemoryStore();
    private final TestClock clock = new TestClock("2026-11-26T10:00:00Z");
    private final BaseImages baseImages = new BaseImages(store, clock);
    private final CallContext me = TestClient.ME;

    @Test
    void seedsEveryBaseImageInEveryRegionOwnedByAws() {
        assertThat(baseImages.seed(List.of("us-east-1", "eu-west-1"))).isEqualTo(4);
        StoredResource x86 = store.get("arn:aws:imagebuilder:eu-west-1:aws:image/debian-12-x86/2026.11.0/1")
                .orElseThrow();
        assertThat(x86.accountId()).isEqualTo("aws");
        assertThat(x86.region()).isEqualTo("eu-west-1");
        assertThat(x86.type()).isEqualTo("image");
        assertThat(x86.version()).isEqualTo(BaseImages.VERSION);
        assertThat(x86.build()).isEqualTo(1);
        JsonNode body = x86.body();
        assertThat(body.path("arn").asText()).isEqualTo(x86.arn());
        assertThat(body.path("name").asText()).isEqualTo("debian-12-x86");
        assertThat(body.path("type").asText()).isEqualTo("AMI");
        assertThat(body.path("version").asText()).isEqualTo("2026.11.0/1");
        assertThat(body.path("platform").asText()).isEqualTo("Linux");
        assertThat(body.path("osVersion").asText()).isEqualTo("Debian 12");
        assertThat(body.at("/state/status").asText()).isEqualTo("AVAILABLE");
        assertThat(body.path("imageSource").asText()).isEqualTo("AMAZON_MANAGED");
        JsonNode container = store.get(BaseImages.arn("us-east-1", "debian-12-container")).orElseThrow().body();
        assertThat(container.path("type").asText()).isEqualTo("DOCKER");
        assertThat(container.at("/outputResources/containers").isArray()).isTrue();
    }

    @Test
    void seedingAgainAddsNothingAndKeepsWhatIsThere() {
        baseImages.seed(List.of("us-east-1"));
        String created = store.get(BaseImages.arn("us-east-1", "debian-12-x86")).orElseThrow().body()
                .path("dateCreated").asText();
        clock.set("2027-01-01T00:00:00Z");
        assertThat(new BaseImages(store, clock).seed(List.of("us-east-1"))).isZero();
        assertThat(baseImages.seed(List.of("us-east-1", "us-west-2"))).isEqualTo(2);
        assertThat(store.get(BaseImages.arn("us-east-1", "debian-12-x86")).orElseThrow().body()
                .path("dateCreated").asText()).isEqualTo(created);
        assertThat(store.list(ResourceQuery.all("us-east-1", "aws", "image"))).hasSize(2);
    }

    @Test
    void recipesCanNameThemWithAWildcardVersion() {
        baseImages.seed(List.of("us-east-1"));
        Arn wildcard = Arn.parse("arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x").orElseThrow();
        assertThat(Versions.matching(store, me, wildcard)).extracting(StoredResource::arn)
                .containsExactly(BaseImages.arn("us-east-1", "debian-12-x86"));
        Arn elsewhere = Arn.parse("arn:aws:imagebuilder:us-west-2:aws:image/debian-12-x86/x.x.x").orElseThrow();
        assertThat(Versions.matching(store, me, elsewhere)).isEmpty();
    }

    @Test
    void theyAreKilnsNotTheAccounts() {
        baseImages.seed(List.of("us-east-1"));
        assertThat(Versions.owned(store, me, "image", "Self")).isEmpty();
        assertThat(Versions.owned(store, me, "image", "Amazon")).hasSize(2);
    }
}
