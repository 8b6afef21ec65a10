package dev.kiln.common.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalRequestTest {

    static List<AwsSigV4TestSuite.Case> suite() {
        return AwsSigV4TestSuite.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void buildsEachCanonicalRequestOfAwsSuite(AwsSigV4TestSuite.Case c) {
        String canonical = CanonicalRequest.of(c.method(), CanonicalRequest.canonicalUri(c.rawPath()),
                CanonicalRequest.canonicalQuery(c.rawQuery()),
                CanonicalRequest.canonicalHeaders(c.signedHeaders(), c::headerValues), c.signedHeaders(),
                SigV4.sha256Hex(c.body()));

        assertThat(canonical).isEqualTo(c.canonicalRequest());
    }

    @Test
    void encodesThePercentEncodedTagsPathASecondTime() {
        String path = "/tags/arn%3Aaws%3Aimagebuilder%3Aus-west-2%3A123456789012%3Acomponent%2Fhello%2F1.0.0%2F1";

        assertThat(CanonicalRequest.canonicalUri(path)).isEqualTo(
                "/tags/arn%253Aaws%253Aimagebuilder%253Aus-west-2%253A123456789012%253Acomponent%252Fhello"
                        + "%252F1.0.0%252F1");
    }

    @ParameterizedTest
    @CsvSource({
        "'', /",
        "/, /",
        "/CreateComponent, /CreateComponent",
        "//, /",
        "/a/./b/../c, /a/c",
        "/a/b/../../.., /",
        "//a//b//, /a/b/",
        "/a/b/., /a/b",
        "/a/%2E%2E/b, /a/%2E%2E/b",
    })
    void normalisesThePathLikeAws(String path, String normalised) {
        assertThat(CanonicalRequest.normalize(path)).isEqualTo(normalised);
    }

    @Test
    void encodesEveryByteButUnreservedCharactersAndSlashesInThePath() {
        assertThat(CanonicalRequest.canonicalUri("/a b/c+d/é*")).isEqualTo("/a%20b/c%2Bd/%C3%A9%2A");
    }

    @Test
    void takesTheS3PathAsSent() {
        assertThat(CanonicalRequest.s3CanonicalUri("/bucket/a%20b/./c//d")).isEqualTo("/bucket/a%20b/./c//d");
        assertThat(CanonicalRequest.s3CanonicalUri("")).isEqualTo("/");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|''",
        "b=2&a=1|a=1&b=2",
        "a=2&a=1&a=10|a=1&a=10&a=2",
        "tagKeys=b%20c&tagKeys=a|tagKeys=a&tagKeys=b%20c",
        "flag|flag=",
        "a=&b|a=&b=",
        "a=1&&b=2|a=1&b=2",
        "arn=arn%3aaws%3aimagebuilder|arn=arn%3Aaws%3Aimagebuilder",
        "x=a+b|x=a%2Bb",
        "x=%7E~|x=~~",
        "x=caf%C3%A9|x=caf%C3%A9",
        "x=%FF|x=%FF",
        "x=100%|x=100%25",
        "x=a=b|x=a%3Db",
        "B=1&a=1&_=1|B=1&_=1&a=1",
        "prefix=a%2Fb&list-type=2&b=2&b=1&flag|b=1&b=2&flag=&list-type=2&prefix=a%2Fb",
        "a-b=1&a=2&a.c=3|a=2&a-b=1&a.c=3",
    })
    void encodesAndSortsTheQueryParameters(String raw, String canonical) {
        assertThat(CanonicalRequest.canonicalQuery(raw)).isEqualTo(canonical);
    }

    @Test
    void hasAnEmptyQueryWhenThereIsNone() {
        assertThat(CanonicalRequest.canonicalQuery(null)).isEmpty();
    }

    @Test
    void joinsRepeatedHeadersWithCommasAndTrimsEachValue() {
        Map<String, List<String>> request = Map.of(
                "host", List.of("localhost:8080"),
                "x-multi", List.of("  one ", "two   three", "\tfour\t"),
                "x-amz-date", List.of("20260101T000000Z"));

        String headers = CanonicalRequest.canonicalHeaders(List.of("host", "x-amz-date", "x-multi"), request::get);

        assertThat(headers).isEqualTo("host:localhost:8080\nx-amz-date:20260101T000000Z\nx-multi:one,two three,four\n");
    }

    @Test
    void givesASignedHeaderThatIsMissingAnEmptyValue() {
        Map<String, List<String>> request = Map.of("host", List.of("h"));

        assertThat(CanonicalRequest.canonicalHeaders(List.of("host", "x-absent"),
                name -> request.getOrDefault(name, List.of()))).isEqualTo("host:h\nx-absent:\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "value|value",
        "'  value  '|value",
        "'a   b'|a b",
        "'\"a   b   c\"'|'\"a b c\"'",
        "'a\t\tb'|a b",
        "''|''",
        "'   '|''",
    })
    void trimsAllWhiteSpace(String value, String trimmed) {
        assertThat(CanonicalRequest.trimAll(value)).isEqualTo(trimmed);
    }
}
