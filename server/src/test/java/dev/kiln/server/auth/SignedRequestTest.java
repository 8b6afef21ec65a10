package dev.kiln.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedRequestTest {

    @Test
    void findsHeadersWhateverTheirCase() {
        SignedRequest request = new SignedRequest("GET", "/", "", Map.of("X-Amz-Date", List.of("20260101T000000Z")),
                null);

        assertThat(request.header("x-amz-date")).contains("20260101T000000Z");
        assertThat(request.header("X-AMZ-DATE")).contains("20260101T000000Z");
        assertThat(request.headerValues("x-amz-date")).containsExactly("20260101T000000Z");
        assertThat(request.header("Authorization")).isEmpty();
        assertThat(request.headerValues("Authorization")).isEmpty();
    }

    @Test
    void mergesNamesThatDifferOnlyInCaseKeepingTheOrderOfValues() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("My-Header", List.of("one", "two"));
        headers.put("my-header", List.of("three"));

        SignedRequest request = new SignedRequest("GET", "/", "", headers, null);

        assertThat(request.headerValues("MY-HEADER")).containsExactly("one", "two", "three");
    }

    @Test
    void defaultsAMissingQueryBodyAndHeaders() {
        SignedRequest request = new SignedRequest("GET", "/", null, null, null);

        assertThat(request.rawQuery()).isEmpty();
        assertThat(request.body()).isEmpty();
        assertThat(request.headers()).isEmpty();
    }

    @Test
    void cannotBeChangedThroughItsHeaders() {
        SignedRequest request = new SignedRequest("GET", "/", "", Map.of("Host", List.of("h")), null);

        assertThatThrownBy(() -> request.headers().put("X", List.of("y")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> request.headerValues("host").add("z"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void requiresMethodAndPath() {
        assertThatThrownBy(() -> new SignedRequest(null, "/", "", Map.of(), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SignedRequest("GET", null, "", Map.of(), null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void printsNoHeaderValues() {
        SignedRequest request = new SignedRequest("PUT", "/CreateComponent", "a=1",
                Map.of("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKID/..."),
                        "X-Amz-Security-Token", List.of("secret-token")), "{}".getBytes());

        assertThat(request.toString())
                .contains("PUT /CreateComponent?a=1", "Authorization", "2 bytes")
                .doesNotContain("secret-token", "AKID");
    }
}
