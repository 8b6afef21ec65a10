package dev.kiln.common.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3LocationTest {
    @Test
    void splitsBucketAndKey() throws S3Exception {
        assertThat(S3Location.parse("s3://my-bucket/path/to/file.zip"))
                .isEqualTo(new S3Location("my-bucket", "path/to/file.zip"));
        assertThat(S3Location.parse("S3://b")).isEqualTo(new S3Location("b", ""));
        assertThat(S3Location.parse("s3://b/prefix/")).isEqualTo(new S3Location("b", "prefix/"));
    }

    @Test
    void printsAsAnS3Url() {
        assertThat(new S3Location("b", "k/x")).hasToString("s3://b/k/x");
    }

    @Test
    void refusesWhatIsNotAnS3Url() {
        assertThatThrownBy(() -> S3Location.parse("https://b/k")).isInstanceOf(S3Exception.class)
                .hasMessageContaining("'https://b/k' is not an S3 URL");
        assertThatThrownBy(() -> S3Location.parse("s3:///k")).hasMessageContaining("names no bucket");
    }
}
