package dev.kiln.common.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
    private static final Map<String, String> KEYS = Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s");

    @Test
    void takesTheS3EndpointBeforeTheGeneralOne() throws S3Exception {
        S3Config config = S3Config.fromEnvironment(with(Map.of("AWS_ENDPOINT_URL_S3", "http://s3.local:9000/",
                "AWS_ENDPOINT_URL", "http://other:1")));

        assertThat(config.endpoint()).isEqualTo(URI.create("http://s3.local:9000"));
    }

    @Test
    void defaultsTheRegionToUsEast1AndReadsTheSessionToken() throws S3Exception {
        S3Config config = S3Config.fromEnvironment(with(Map.of("AWS_ENDPOINT_URL", "https://s3.local",
                "AWS_SESSION_TOKEN", "tok")));

        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.credentials().sessionToken()).isEqualTo("tok");
        assertThat(S3Config.fromEnvironment(with(Map.of("AWS_ENDPOINT_URL", "https://s3.local",
                "AWS_DEFAULT_REGION", "eu-north-1"))).region()).isEqualTo("eu-north-1");
    }

    @Test
    void dropsTheSchemesDefaultPortSoTheSignedHostIsTheSentOne() throws S3Exception {
        assertThat(S3Config.fromEnvironment(with(Map.of("AWS_ENDPOINT_URL", "https://s3.local:443"))).endpoint())
                .isEqualTo(URI.create("https://s3.local"));
    }

    @Test
    void namesEveryMissingVariable() {
        assertThatThrownBy(() -> S3Config.fromEnvironment(Map.of()))
                .isInstanceOf(S3Exception.class)
                .hasMessageContaining("AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL)")
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void refusesAnEndpointThatIsNotHttp() {
        assertThatThrownBy(() -> S3Config.fromEnvironment(with(Map.of("AWS_ENDPOINT_URL", "s3.local:9000"))))
                .hasMessageContaining("is not an http or https URL");
    }

    @Test
    void takesKeysFromAnEndpointUrlsUserInfoBeforeTheEnvironment() throws S3Exception {
        S3Config config = S3Config.fromUrl("http://ID:s%2Fecret@s3.local:9000/", with(Map.of("AWS_REGION", "eu-west-1")));

        assertThat(config.endpoint()).isEqualTo(URI.create("http://s3.local:9000"));
        assertThat(config.credentials().accessKeyId()).isEqualTo("ID");
        assertThat(config.credentials().secretAccessKey()).isEqualTo("s/ecret");
        assertThat(config.region()).isEqualTo("eu-west-1");
    }

    @Test
    void takesKeysFromTheEnvironmentForAnEndpointUrlWithoutThem() throws S3Exception {
        S3Config config = S3Config.fromUrl("https://s3.local", KEYS);

        assertThat(config.credentials().accessKeyId()).isEqualTo("AKID");
        assertThat(S3Config.fromEnvironment(config.environment())).isEqualTo(config);
    }

    @Test
    void saysWhereKeysForAnEndpointUrlCanBe() {
        assertThatThrownBy(() -> S3Config.fromUrl("http://s3.local:9000", Map.of()))
                .isInstanceOf(S3Exception.class)
                .hasMessageContaining("http://KEY:SECRET@host:port")
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
        assertThatThrownBy(() -> S3Config.fromUrl("ftp://s3.local", KEYS))
                .hasMessageContaining("is not an http or https URL");
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(new Credentials("AKID", "very-secret", null).toString()).doesNotContain("very-secret");
    }

    private static Map<String, String> with(Map<String, String> more) {
        var env = new java.util.HashMap<>(KEYS);
        env.putAll(more);
        return env;
    }
}
