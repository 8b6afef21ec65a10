package dev.kiln.core.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerImageReferenceTest {

    @Test
    void dockerHubReferencesHaveNoRegistry() {
        assertThat(ContainerImageReference.parse("debian:12"))
                .contains(new ContainerImageReference(null, "debian", "12", null));
        assertThat(ContainerImageReference.parse("library/debian"))
                .contains(new ContainerImageReference(null, "library/debian", null, null));
        assertThat(ContainerImageReference.parse("my_org/some-app.v2:bookworm-slim"))
                .contains(new ContainerImageReference(null, "my_org/some-app.v2", "bookworm-slim", null));
    }

    @Test
    void aFirstComponentWithADotAColonOrLocalhostIsTheRegistry() {
        assertThat(ContainerImageReference.parse("registry:5000/repo:tag"))
                .contains(new ContainerImageReference("registry:5000", "repo", "tag", null));
        assertThat(ContainerImageReference.parse("127.0.0.1:5000/team/app"))
                .contains(new ContainerImageReference("127.0.0.1:5000", "team/app", null, null));
        assertThat(ContainerImageReference.parse("localhost/app:1"))
                .contains(new ContainerImageReference("localhost", "app", "1", null));
        assertThat(ContainerImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"))
                .contains(new ContainerImageReference("123456789012.dkr.ecr.us-east-1.amazonaws.com", "app",
                        "latest", null));
        assertThat(ContainerImageReference.parse("[::1]:5000/app"))
                .contains(new ContainerImageReference("[::1]:5000", "app", null, null));
    }

    @Test
    void digestsMayFollowATag() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(ContainerImageReference.parse("ghcr.io/o/r:1@" + digest))
                .contains(new ContainerImageReference("ghcr.io", "o/r", "1", digest));
        assertThat(ContainerImageReference.parse("debian@" + digest))
                .contains(new ContainerImageReference(null, "debian", null, digest));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Debian:12", "debian:", "debian:12:13", "-debian", "debian//x", "debian@sha256:abc",
        "debian:" + "t" + "x" + "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "123456789012345678901234567890123456789012345678", "with space", "arn:aws:imagebuilder:x",
        "registry:5000/", "a/B"})
    void othersAreNotReferences(String text) {
        assertThat(ContainerImageReference.parse(text)).isEmpty();
    }

    @Test
    void namesAreAtMost255Characters() {
        assertThat(ContainerImageReference.parse("a/" + "b".repeat(253))).isPresent();
        assertThat(ContainerImageReference.parse("a/" + "b".repeat(254))).isEmpty();
    }
}
