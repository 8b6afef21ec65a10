package dev.kiln.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.sigv4.AwsSigV4TestSuite;
import dev.kiln.common.sigv4.CanonicalRequest;
import dev.kiln.common.sigv4.SigV4;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.AccessKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Filter;
import software.amazon.awssdk.services.imagebuilder.model.Ownership;
import software.amazon.awssdk.services.imagebuilder.model.Platform;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

class SigV4VerifierTest {
    static final String ACCOUNT = "123456789012";
    static final String AKID = "AKIAKILNTESTKEY00001";
    static final String SECRET = "kiln/Test+Secret/Key0000000000000000000000";
    static final String REVOKED_AKID = "AKIAKILNREVOKED00001";
    static final String REVOKED_SECRET = "kiln/Revoked+Secret/Key00000000000000000";
    static final Set<String> REGIONS = Set.of("us-east-1", "us-west-2");
    static final String REGION = "us-west-2";
    static final String ARN = "arn:aws:imagebuilder:us-west-2:123456789012:component/hello-world/1.0.0/1";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Optional<AccessKey> keys(String accessKeyId) {
        return switch (accessKeyId) {
            case AKID -> Optional.of(new AccessKey(AKID, SECRET, ACCOUNT, true, T0));
            case REVOKED_AKID -> Optional.of(new AccessKey(REVOKED_AKID, REVOKED_SECRET, ACCOUNT, false, T0));
            default -> Optional.empty();
        };
    }

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(SigV4VerifierTest::keys, Clock.fixed(now, ZoneOffset.UTC), REGIONS);
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(SigV4Verifier verifier, SignedRequest request,
                                                                         ErrorType type) {
        return assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).type()).isEqualTo(type));
    }

    // ---- the AWS SDK for Java v2 signer, applied to hand-built requests --------------------------------------

    /** A request as the Java SDK's HTTP client would put it on the wire. */
    static SignedRequest wire(SdkHttpRequest http, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>(http.headers());
        if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
            boolean defaultPort = http.port() == SdkHttpUtils.standardPort(http.protocol());
            headers.put("Host", List.of(http.host() + (defaultPort ? "" : ":" + http.port())));
        }
        return new SignedRequest(http.method().name(), http.encodedPath(), http.encodedQueryParameters().orElse(""),
                headers, body);
    }

    static SdkHttpFullRequest.Builder http(SdkHttpMethod method, String encodedPath) {
        return SdkHttpFullRequest.builder().method(method).protocol("http").host("localhost").port(8080)
                .encodedPath(encodedPath);
    }

    static SignedRequest sdkSign(SdkHttpFullRequest.Builder http, byte[] body, Instant at, String akid, String secret,
                                 String region, String service) {
        if (body.length > 0) {
            http.putHeader("Content-Type", "application/json").putHeader("Content-Length",
                    Integer.toString(body.length));
        }
        SdkHttpFullRequest request = http.build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(akid, secret))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        return wire(signed.request(), body);
    }

    static SignedRequest sdkSign(SdkHttpFullRequest.Builder http, byte[] body, Instant at) {
        return sdkSign(http, body, at, AKID, SECRET, REGION, SigV4Verifier.SERVICE);
    }

    static SignedRequest getComponent(Instant at) {
        return sdkSign(http(SdkHttpMethod.GET, "/GetComponent").putRawQueryParameter("componentBuildVersionArn", ARN),
                new byte[0], at);
    }

    static final byte[] CREATE_BODY = ("{\"name\":\"hello-world\",\"semanticVersion\":\"1.0.0\",\"platform\":\"Linux\","
            + "\"data\":\"name: hello\\nschemaVersion: 1.0\\n\",\"description\":\"caf\u00e9 \u2603\","
            + "\"clientToken\":\"c0ffee\"}").getBytes(StandardCharsets.UTF_8);

    static SignedRequest createComponent(Instant at) {
        return sdkSign(http(SdkHttpMethod.PUT, "/CreateComponent"), CREATE_BODY, at);
    }

    static SignedRequest with(SignedRequest r, UnaryOperator<Map<String, List<String>>> headers) {
        return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), headers.apply(new LinkedHashMap<>(r.headers())),
                r.body());
    }

    static Map<String, List<String>> put(Map<String, List<String>> headers, String name, String... values) {
        headers.keySet().removeIf(name::equalsIgnoreCase);
        if (values.length > 0) {
            headers.put(name, List.of(values));
        }
        return headers;
    }

    /** A case of AWS's suite as the server receives it, with the Authorization header AWS published. */
    static SignedRequest received(AwsSigV4TestSuite.Case c) {
        return new SignedRequest(c.method(), c.rawPath(), c.rawQuery(), c.signedHeaderMap(), c.body());
    }

    static String authorization(SignedRequest r) {
        return r.header("Authorization").orElseThrow();
    }

    @Nested
    class AwsTestSuite {
        final SigV4Verifier verifier = new SigV4Verifier(
                id -> id.equals(AwsSigV4TestSuite.ACCESS_KEY_ID)
                        ? Optional.of(new AccessKey(id, AwsSigV4TestSuite.SECRET, ACCOUNT, true, T0))
                        : Optional.empty(),
                Clock.fixed(AwsSigV4TestSuite.SIGNED_AT.plusSeconds(42), ZoneOffset.UTC),
                Set.of(AwsSigV4TestSuite.REGION), AwsSigV4TestSuite.SERVICE);

        static Stream<AwsSigV4TestSuite.Case> withoutSessionToken() {
            return AwsSigV4TestSuite.cases().stream().filter(c -> !c.name().equals("post-sts-header-before"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("withoutSessionToken")
        void verifiesEachRequest(AwsSigV4TestSuite.Case c) {
            VerifiedCaller caller = verifier.verify(received(c));

            assertThat(caller).isEqualTo(new VerifiedCaller(ACCOUNT, AwsSigV4TestSuite.ACCESS_KEY_ID,
                    AwsSigV4TestSuite.REGION, AwsSigV4TestSuite.SERVICE));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("withoutSessionToken")
        void refusesEachRequestWithOneSignatureDigitChanged(AwsSigV4TestSuite.Case c) {
            String signature = c.signature();
            char last = signature.charAt(signature.length() - 1);
            String altered = signature.substring(0, signature.length() - 1) + (last == '0' ? '1' : '0');
            SignedRequest request = with(received(c),
                    h -> put(h, "Authorization", c.authorization().replace(signature, altered)));

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageContaining("'" + c.canonicalRequest() + "'");
        }

        @Test
        void refusesTheFormPostWithItsBodyChanged() {
            AwsSigV4TestSuite.Case form = AwsSigV4TestSuite.named("post-x-www-form-urlencoded");
            SignedRequest signed = received(form);
            SignedRequest request = new SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery(),
                    signed.headers(), "Param1=value2".getBytes(StandardCharsets.UTF_8));

            assertThat(verifier.verify(signed)).isNotNull();
            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith(SigV4Verifier.SIGNATURE_MISMATCH);
        }

        @Test
        void refusesSessionTokensWhichThisServerNeverIssues() {
            // The signature of post-sts-header-before is right (see common's SignerTest); the token cannot be.
            assertRefused(verifier, received(AwsSigV4TestSuite.named("post-sts-header-before")),
                    ErrorType.UnrecognizedClientException)
                    .hasMessageStartingWith("The security token included in the request is invalid.");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaSdk {
        final List<SignedRequest> sent = Collections.synchronizedList(new ArrayList<>());

        @BeforeAll
        void callTheImageBuilderClient() {
            SdkHttpClient capture = new SdkHttpClient() {
                @Override
                public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                    return new ExecutableHttpRequest() {
                        @Override
                        public HttpExecuteResponse call() throws IOException {
                            byte[] body = new byte[0];
                            if (request.contentStreamProvider().isPresent()) {
                                try (InputStream in = request.contentStreamProvider().get().newStream()) {
                                    body = in.readAllBytes();
                                }
                            }
                            sent.add(wire(request.httpRequest(), body));
                            return HttpExecuteResponse.builder()
                                    .response(SdkHttpResponse.builder().statusCode(200)
                                            .putHeader("Content-Type", "application/json").build())
                                    .responseBody(AbortableInputStream.create(
                                            new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))))
                                    .build();
                        }

                        @Override
                        public void abort() {
                        }
                    };
                }

                @Override
                public void close() {
                }
            };
            try (ImagebuilderClient client = ImagebuilderClient.builder()
                    .region(Region.of(REGION))
                    .endpointOverride(URI.create("http://localhost:8080"))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET)))
                    .httpClient(capture)
                    .build()) {
                client.getComponent(b -> b.componentBuildVersionArn(ARN));
                client.createComponent(b -> b.name("hello-world").semanticVersion("1.0.0").platform(Platform.LINUX)
                        .description("caf\u00e9 \u2603  two  spaces").data("name: hello\nschemaVersion: 1.0\n")
                        .clientToken("c0ffee").tags(Map.of("team", "kiln")));
                client.deleteComponent(b -> b.componentBuildVersionArn(ARN));
                client.tagResource(b -> b.resourceArn(ARN).tags(Map.of("stage", "test")));
                client.untagResource(b -> b.resourceArn(ARN).tagKeys("stage", "two words", "\u00fcber"));
                client.listComponents(b -> b.owner(Ownership.SELF).maxResults(10)
                        .filters(Filter.builder().name("name").values("hello-world").build()));
            }
        }

        SignedRequest sent(String method, String pathPrefix) {
            return sent.stream().filter(r -> r.method().equals(method) && r.rawPath().startsWith(pathPrefix))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + pathPrefix + " in " + sent));
        }

        @Test
        void verifiesEveryRequestTheImageBuilderClientSent() {
            SigV4Verifier verifier = new SigV4Verifier(SigV4VerifierTest::keys, Clock.systemUTC(), REGIONS);

            assertThat(sent).hasSize(6);
            for (SignedRequest request : sent) {
                assertThat(verifier.verify(request)).as(request.toString())
                        .isEqualTo(new VerifiedCaller(ACCOUNT, AKID, REGION, "imagebuilder"));
            }
        }

        @Test
        void sentTheShapesThatMatter() {
            assertThat(sent("GET", "/GetComponent").rawQuery()).startsWith("componentBuildVersionArn=arn%3Aaws%3A");
            assertThat(sent("PUT", "/CreateComponent").body()).isNotEmpty();
            assertThat(sent("DELETE", "/DeleteComponent").rawQuery()).startsWith("componentBuildVersionArn=");
            assertThat(sent("POST", "/tags/").rawPath()).startsWith("/tags/arn%3Aaws%3Aimagebuilder%3A")
                    .contains("%2Fhello-world%2F");
            assertThat(sent("DELETE", "/tags/").rawQuery()).contains("tagKeys=stage", "tagKeys=two%20words",
                    "tagKeys=%C3%BCber");
            assertThat(sent("POST", "/ListComponents").body()).isNotEmpty();
        }

        @Test
        void verifiesTheSignerOnAGetWithQueryString() {
            Instant now = Instant.now();

            assertThat(verifierAt(now).verify(getComponent(now)).region()).isEqualTo(REGION);
        }

        @Test
        void verifiesTheSignerOnAPutWithJsonBody() {
            Instant now = Instant.now();

            assertThat(verifierAt(now).verify(createComponent(now)).accountId()).isEqualTo(ACCOUNT);
        }

        @Test
        void verifiesTheSignerOnADelete() {
            Instant now = Instant.now();
            SignedRequest request = sdkSign(http(SdkHttpMethod.DELETE, "/DeleteImage")
                    .putRawQueryParameter("imageBuildVersionArn",
                            "arn:aws:imagebuilder:us-west-2:123456789012:image/my image/1.0.0/1"), new byte[0], now);

            assertThat(verifierAt(now).verify(request).accessKeyId()).isEqualTo(AKID);
        }

        @Test
        void verifiesTheSignerOnATagsPathWithAnEncodedArn() {
            Instant now = Instant.now();
            SignedRequest request = sdkSign(http(SdkHttpMethod.POST, "/tags/" + SdkHttpUtils.urlEncode(ARN)),
                    "{\"tags\":{\"a\":\"b\"}}".getBytes(StandardCharsets.UTF_8), now);

            assertThat(request.rawPath()).startsWith("/tags/arn%3Aaws%3Aimagebuilder%3Aus-west-2%3A");
            assertThat(verifierAt(now).verify(request).region()).isEqualTo(REGION);
        }

        @Test
        void verifiesTheRegionOfTheCredentialScope() {
            Instant now = Instant.now();
            SignedRequest request = sdkSign(http(SdkHttpMethod.GET, "/ListImagePipelines"), new byte[0], now, AKID,
                    SECRET, "us-east-1", "imagebuilder");

            assertThat(verifierAt(now).verify(request).region()).isEqualTo("us-east-1");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Botocore {
        static final String SCRIPT = """
                import base64, json, sys
                from urllib.parse import urlsplit
                import botocore, botocore.session
                from botocore.auth import SigV4Auth
                from botocore.awsrequest import AWSRequest, AWSResponse
                from botocore.credentials import Credentials
                from botocore.utils import percent_encode, percent_encode_sequence

                akid, secret, region, endpoint = sys.argv[1:5]

                def emit(label, req):
                    parts = urlsplit(req.url)
                    headers = []
                    for k, v in req.headers.items():
                        headers.append([k, v.decode('utf-8') if isinstance(v, bytes) else v])
                    if not any(k.lower() == 'host' for k, _ in headers):
                        headers.append(['Host', parts.netloc])  # what urllib3 sends
                    body = req.body or b''
                    if hasattr(body, 'read'):
                        body = body.read()
                    if isinstance(body, str):
                        body = body.encode('utf-8')
                    print(json.dumps({'label': label, 'method': req.method, 'path': parts.path,
                                      'query': parts.query, 'headers': headers,
                                      'body': base64.b64encode(body).decode('ascii')}))

                class Raw:
                    def stream(self, **kwargs):
                        yield b'{}'

                def before_send(request, **kwargs):
                    emit('client', request)
                    return AWSResponse(request.url, 200, {'Content-Type': 'application/json'}, Raw())

                client = botocore.session.get_session().create_client(
                    'imagebuilder', region_name=region, endpoint_url=endpoint,
                    aws_access_key_id=akid, aws_secret_access_key=secret)
                client.meta.events.register('before-send.imagebuilder', before_send)
                arn = 'arn:aws:imagebuilder:%s:123456789012:component/hello-world/1.0.0/1' % region
                client.get_component(componentBuildVersionArn=arn)
                client.create_component(name='hello-world', semanticVersion='1.0.0', platform='Linux',
                                        description='caf\\u00e9 \\u2603  two  spaces',
                                        data='name: hello\\nschemaVersion: 1.0\\n', clientToken='c0ffee',
                                        tags={'team': 'kiln'})
                client.delete_component(componentBuildVersionArn=arn)
                client.tag_resource(resourceArn=arn, tags={'stage': 'test'})
                client.untag_resource(resourceArn=arn, tagKeys=['stage', 'two words', '\\u00fcber'])
                client.list_components(owner='Self', maxResults=10,
                                       filters=[{'name': 'name', 'values': ['hello-world']}])

                auth = SigV4Auth(Credentials(akid, secret), 'imagebuilder', region)
                cases = [
                    ('GET', '/GetImage?' + percent_encode_sequence({'imageBuildVersionArn': arn.replace('component', 'image')}), b'', {}),
                    ('DELETE', '/tags/' + percent_encode(arn) + '?' + percent_encode_sequence([('tagKeys', 'b c'), ('tagKeys', 'a')]), b'', {}),
                    ('PUT', '/CreateImageRecipe', json.dumps({'name': 'r\\u00e9cipe', 'x': '~!*()'}).encode('utf-8'),
                     {'Content-Type': 'application/json', 'X-Kiln-Note': '  several   spaces\\tand tab  '}),
                    ('POST', '/a/./b/../ListImages', b'{}', {'Content-Type': 'application/json'}),
                    ('GET', '/GetComponentPolicy?' + percent_encode_sequence([('z', ''), ('componentArn', arn), ('a', '\\u2603 *')]), b'', {}),
                ]
                for method, url, body, headers in cases:
                    request = AWSRequest(method=method, url=endpoint + url, data=body, headers=headers)
                    auth.add_auth(request)
                    emit('SigV4Auth', request.prepare())
                print(json.dumps({'label': 'version', 'botocore': botocore.__version__}))
                """;

        final List<SignedRequest> requests = new ArrayList<>();
        String version;

        @BeforeAll
        void runBotocore() throws Exception {
            Optional<String> python = pythonWithBotocore();
            if (python.isEmpty()) {
                throw new AssertionError("No python3 with botocore found, so botocore's signatures cannot be"
                        + " checked. Install Debian's python3-botocore package (apt-get install -y python3-boto3"
                        + " brings it; ./kiln test does), or set KILN_TEST_PYTHON to a python that has botocore.");
            }
            ProcessBuilder builder = new ProcessBuilder(python.get(), "-c", SCRIPT, AKID, SECRET, REGION,
                    "http://127.0.0.1:8080");
            builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
            builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            builder.redirectErrorStream(false);
            Path stderr = Files.createTempFile("botocore", ".err");
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(stderr)).isZero();
            Files.deleteIfExists(stderr);
            ObjectMapper json = new ObjectMapper();
            for (String line : out.split("\n")) {
                JsonNode node = json.readTree(line);
                if (node.get("label").asText().equals("version")) {
                    version = node.get("botocore").asText();
                    continue;
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                node.get("headers").forEach(h -> headers.computeIfAbsent(h.get(0).asText(), k -> new ArrayList<>())
                        .add(h.get(1).asText()));
                requests.add(new SignedRequest(node.get("method").asText(), node.get("path").asText(),
                        node.get("query").asText(), headers, Base64.getDecoder().decode(node.get("body").asText())));
            }
        }

        @Test
        void verifiesEveryRequestBotocoreSigned() {
            SigV4Verifier verifier = new SigV4Verifier(SigV4VerifierTest::keys, Clock.systemUTC(), REGIONS);

            assertThat(version).isNotBlank();
            assertThat(requests).hasSize(11);
            for (SignedRequest request : requests) {
                assertThat(verifier.verify(request)).as(request.toString())
                        .isEqualTo(new VerifiedCaller(ACCOUNT, AKID, REGION, "imagebuilder"));
            }
        }

        @Test
        void refusesBotocoreRequestsWithTheBodyChanged() {
            SigV4Verifier verifier = new SigV4Verifier(SigV4VerifierTest::keys, Clock.systemUTC(), REGIONS);

            for (SignedRequest r : requests.stream().filter(r -> r.body().length > 0).toList()) {
                byte[] body = r.body().clone();
                body[body.length - 1] ^= 1;
                SignedRequest tampered = new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), r.headers(), body);

                assertRefused(verifier, tampered, ErrorType.InvalidSignatureException);
            }
        }

        static Optional<String> pythonWithBotocore() {
            List<String> candidates = new ArrayList<>();
            Optional.ofNullable(System.getenv("KILN_TEST_PYTHON")).ifPresent(candidates::add);
            candidates.add("python3");
            candidates.add("/usr/bin/python3"); // Debian's, with python3-botocore
            Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
            if (Files.isDirectory(pyenv)) {
                try (Stream<Path> versions = Files.list(pyenv)) {
                    versions.sorted(Collections.reverseOrder()).map(v -> v.resolve("bin/python3"))
                            .filter(Files::isExecutable).forEach(p -> candidates.add(p.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (String candidate : candidates) {
                try {
                    Process p = new ProcessBuilder(candidate, "-c", "import botocore").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        return Optional.of(candidate);
                    }
                } catch (IOException | InterruptedException e) {
                    // not this one
                }
            }
            return Optional.empty();
        }
    }

    @Nested
    class Failures {
        final SigV4Verifier verifier = verifierAt(T0.plusSeconds(30));

        @Test
        void acceptsTheUntamperedRequests() {
            assertThat(verifier.verify(getComponent(T0)).accountId()).isEqualTo(ACCOUNT);
            assertThat(verifier.verify(createComponent(T0)).accountId()).isEqualTo(ACCOUNT);
        }

        @Test
        void refusesARequestWithoutAuthorization() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "Authorization"));

            assertRefused(verifier, request, ErrorType.MissingAuthenticationTokenException)
                    .hasMessage("Missing Authentication Token");
            assertThat(ErrorType.MissingAuthenticationTokenException.status()).isEqualTo(403);
        }

        @Test
        void refusesAMalformedAuthorization() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "Authorization", "AWS4-HMAC-SHA256 garbage"));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessageContaining("'garbage' not a valid key=value pair (missing equal-sign)");
        }

        @Test
        void refusesAnAuthorizationThatIsNotSigV4() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "Authorization", "Bearer abc"));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessage("Authorization header requires 'Credential' parameter. Authorization header requires "
                            + "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
                            + "Authorization=Bearer abc");
        }

        @Test
        void refusesARequestWithoutDate() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "X-Amz-Date"));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessageStartingWith("Authorization header requires existence of either a 'X-Amz-Date' or a "
                            + "'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=" + AKID + "/20260101/");
        }

        @Test
        void refusesAMalformedDate() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "X-Amz-Date", "2026-01-01T00:00:00Z"));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException).hasMessage(
                    "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:00:00Z'. "
                            + "See http://en.wikipedia.org/wiki/ISO_8601");
        }

        @Test
        void refusesTwoAuthorizationHeaders() {
            SignedRequest signed = getComponent(T0);
            SignedRequest request = with(signed, h -> put(h, "Authorization", authorization(signed),
                    authorization(signed)));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessage("The request has more than one Authorization header.");
        }

        @Test
        void refusesPresignedUrls() {
            SignedRequest request = new SignedRequest("GET", "/GetComponent",
                    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc", Map.of("Host", List.of("h")), null);

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessageContaining("Presigned");
        }

        @Test
        void refusesAWrongSecretWithoutRevealingTheRightOne() {
            SignedRequest request = sdkSign(http(SdkHttpMethod.PUT, "/CreateComponent"), CREATE_BODY, T0, AKID,
                    "wrong" + SECRET.substring(5), REGION, "imagebuilder");

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith("The request signature we calculated does not match the signature you "
                            + "provided. Check your AWS Secret Access Key and signing method. Consult the service "
                            + "documentation for details.\n\nThe Canonical String for this request should have been\n'"
                            + "PUT\n/CreateComponent\n\n")
                    .hasMessageContaining("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260101T000000Z\n"
                            + "20260101/us-west-2/imagebuilder/aws4_request\n")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        }

        @Test
        void refusesAnUnknownKey() {
            SignedRequest request = sdkSign(http(SdkHttpMethod.GET, "/ListComponents"), new byte[0], T0,
                    "AKIAUNKNOWN000000000", SECRET, REGION, "imagebuilder");

            assertRefused(verifier, request, ErrorType.UnrecognizedClientException)
                    .hasMessage("The security token included in the request is invalid.");
        }

        @Test
        void refusesARevokedKeyEvenWhenTheSignatureIsRight() {
            SignedRequest request = sdkSign(http(SdkHttpMethod.GET, "/ListComponents"), new byte[0], T0,
                    REVOKED_AKID, REVOKED_SECRET, REGION, "imagebuilder");

            assertRefused(verifier, request, ErrorType.UnrecognizedClientException)
                    .hasMessage("The security token included in the request is invalid.");
        }

        @Test
        void refusesADateSixteenMinutesInThePast() {
            SignedRequest request = getComponent(T0);

            assertRefused(verifierAt(T0.plus(Duration.ofMinutes(16))), request, ErrorType.InvalidSignatureException)
                    .hasMessage("Signature expired: 20260101T000000Z is now earlier than 20260101T000100Z "
                            + "(20260101T001600Z - 15 min.)");
        }

        @Test
        void answersExpiryInTheWordsAwsUses() {
            assertRefused(verifierAt(Instant.parse("2026-01-01T00:25:00Z")), getComponent(T0),
                    ErrorType.InvalidSignatureException)
                    .hasMessage("Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z "
                            + "(20260101T002500Z - 15 min.)");
        }

        @Test
        void refusesADateSixteenMinutesInTheFuture() {
            SignedRequest request = getComponent(T0.plus(Duration.ofMinutes(16)));

            assertRefused(verifierAt(T0), request, ErrorType.InvalidSignatureException)
                    .hasMessage("Signature not yet current: 20260101T001600Z is still later than 20260101T001500Z "
                            + "(20260101T000000Z + 15 min.)");
        }

        @Test
        void acceptsADateFifteenMinutesOffEitherWay() {
            assertThat(verifierAt(T0.plus(Duration.ofMinutes(15))).verify(getComponent(T0))).isNotNull();
            assertThat(verifierAt(T0.minus(Duration.ofMinutes(15))).verify(getComponent(T0))).isNotNull();
        }

        @Test
        void refusesATamperedBody() {
            SignedRequest signed = createComponent(T0);
            byte[] body = new String(signed.body(), StandardCharsets.UTF_8).replace("hello-world", "hello-wOrld")
                    .getBytes(StandardCharsets.UTF_8);
            SignedRequest request = new SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery(),
                    signed.headers(), body);
            SignedRequest withNewHash = with(request, h -> put(h, "x-amz-content-sha256", SigV4.sha256Hex(body)));

            // The Java SDK declares the body's hash in x-amz-content-sha256, and signs that header.
            assertThat(signed.header("x-amz-content-sha256")).isPresent();
            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessage("The provided 'x-amz-content-sha256' header does not match what was computed.");
            assertRefused(verifier, withNewHash, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith("The request signature we calculated does not match");
        }

        @Test
        void refusesATamperedQuery() {
            SignedRequest signed = getComponent(T0);
            SignedRequest request = new SignedRequest(signed.method(), signed.rawPath(),
                    signed.rawQuery().replace("hello-world", "other"), signed.headers(), signed.body());

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith("The request signature we calculated does not match");
        }

        @Test
        void refusesAnAddedQueryParameter() {
            SignedRequest signed = getComponent(T0);
            SignedRequest request = new SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery() + "&x=1",
                    signed.headers(), signed.body());

            assertRefused(verifier, request, ErrorType.InvalidSignatureException);
        }

        @Test
        void refusesATamperedPathOrMethod() {
            SignedRequest signed = getComponent(T0);

            assertRefused(verifier, new SignedRequest(signed.method(), "/GetImage", signed.rawQuery(), signed.headers(),
                    signed.body()), ErrorType.InvalidSignatureException);
            assertRefused(verifier, new SignedRequest("DELETE", signed.rawPath(), signed.rawQuery(), signed.headers(),
                    signed.body()), ErrorType.InvalidSignatureException);
        }

        @Test
        void refusesATamperedSignedHeaderButIgnoresUnsignedOnes() {
            SignedRequest signed = getComponent(T0);

            assertRefused(verifier, with(signed, h -> put(h, "Host", "evil.example:8080")),
                    ErrorType.InvalidSignatureException);
            assertThat(verifier.verify(with(signed, h -> put(h, "User-Agent", "something else")))).isNotNull();
        }

        @Test
        void refusesAChangedDateWithinTheAllowedSkew() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "X-Amz-Date", "20260101T000001Z"));

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith("The request signature we calculated does not match");
        }

        @Test
        void refusesACredentialScopeDateOtherThanTheRequestDate() {
            SignedRequest signed = getComponent(T0);
            SignedRequest request = with(signed, h -> put(h, "Authorization",
                    authorization(signed).replace("/20260101/", "/20251231/")));

            assertRefused(verifier, request, ErrorType.InvalidSignatureException).hasMessage(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                            + "'20251231' != '20260101', from '20260101T000000Z'.");
        }

        @Test
        void refusesARegionThisServerDoesNotServeNamingTheRegionsItServes() {
            SignedRequest request = sdkSign(http(SdkHttpMethod.GET, "/ListComponents"), new byte[0], T0, AKID, SECRET,
                    "eu-north-9", "imagebuilder");

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessage("Credential should be scoped to a valid region, not 'eu-north-9'. "
                            + "This server serves us-east-1, us-west-2.");
        }

        @Test
        void refusesAnotherService() {
            SignedRequest request = sdkSign(http(SdkHttpMethod.GET, "/ListComponents"), new byte[0], T0, AKID, SECRET,
                    REGION, "ec2");

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessage("Credential should be scoped to correct service: 'imagebuilder', not 'ec2'.");
        }

        @Test
        void refusesAnotherTerminator() {
            SignedRequest signed = getComponent(T0);
            SignedRequest request = with(signed, h -> put(h, "Authorization",
                    authorization(signed).replace("/aws4_request", "/aws5_request")));

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessage("Credential should be scoped with a valid terminator: 'aws4_request', not "
                            + "'aws5_request'.");
        }

        @Test
        void requiresTheHostHeaderToBeSigned() {
            SignedRequest signed = getComponent(T0);
            String auth = authorization(signed);
            String signedHeaders = auth.substring(auth.indexOf("SignedHeaders=") + 14, auth.indexOf(", Signature"));
            String withoutHost = String.join(";", List.of(signedHeaders.split(";")).stream()
                    .filter(n -> !n.equals("host")).toList());
            SignedRequest request = with(signed, h -> put(h, "Authorization",
                    auth.replace(signedHeaders, withoutHost)));

            assertRefused(verifier, request, ErrorType.IncompleteSignatureException)
                    .hasMessage("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        @Test
        void refusesASessionToken() {
            SignedRequest request = with(getComponent(T0), h -> put(h, "X-Amz-Security-Token", "FQoGZXIvYXdzE"));

            assertRefused(verifier, request, ErrorType.UnrecognizedClientException)
                    .hasMessageStartingWith("The security token included in the request is invalid.");
        }

        @Test
        void checksADeclaredContentHashAgainstTheBody() {
            SignedRequest signed = createComponent(T0);
            String bodyHash = SigV4.sha256Hex(signed.body());

            assertThat(verifier.verify(with(signed, h -> put(h, "x-amz-content-sha256", bodyHash)))).isNotNull();
            assertRefused(verifier, with(signed, h -> put(h, "x-amz-content-sha256", SigV4.sha256Hex(new byte[0]))),
                    ErrorType.InvalidSignatureException)
                    .hasMessage("The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        @Test
        void refusesAnUnsignedPayload() {
            SignedRequest request = with(createComponent(T0), h -> put(h, "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"));

            assertRefused(verifier, request, ErrorType.InvalidSignatureException)
                    .hasMessageContaining("'UNSIGNED-PAYLOAD'");
        }

        @Test
        void acceptsTheDateHeaderWhenThereIsNoXAmzDate() {
            String date = "Thu, 01 Jan 2026 00:00:00 GMT";
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Host", List.of("localhost:8080"));
            headers.put("Date", List.of(date));
            SignedRequest unsigned = new SignedRequest("GET", "/ListComponents", "", headers, null);
            List<String> signedHeaders = List.of("date", "host");
            String canonical = CanonicalRequest.of("GET", "/ListComponents", "",
                    CanonicalRequest.canonicalHeaders(signedHeaders, unsigned::headerValues), signedHeaders,
                    SigV4.EMPTY_SHA256);
            String scope = "20260101/us-west-2/imagebuilder/aws4_request";
            String signature = SigV4.signature(SigV4.signingKey(SECRET, "20260101", REGION, "imagebuilder"),
                    SigV4.stringToSign("20260101T000000Z", scope, canonical));
            headers.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=" + AKID + "/" + scope
                    + ", SignedHeaders=date;host, Signature=" + signature));
            SignedRequest request = new SignedRequest("GET", "/ListComponents", "", headers, null);

            assertThat(verifier.verify(request).accessKeyId()).isEqualTo(AKID);
            assertRefused(verifierAt(T0.plus(Duration.ofHours(1))), request, ErrorType.InvalidSignatureException)
                    .hasMessageStartingWith("Signature expired: 20260101T000000Z is now earlier than");
        }

        @Test
        void boundsTheSizeOfWhatItReads() {
            SignedRequest signed = getComponent(T0);
            String huge = "x".repeat(SigV4Verifier.MAX_URI);

            assertRefused(verifier, new SignedRequest("GET", "/" + huge, "", signed.headers(), null),
                    ErrorType.IncompleteSignatureException);
            assertRefused(verifier, with(signed, h -> put(h, "Authorization", authorization(signed) + huge)),
                    ErrorType.IncompleteSignatureException)
                    .hasMessage("The Authorization header is longer than 4096 characters.");
            String auth = authorization(signed);
            SignedRequest bigHeader = with(signed, h -> put(put(h, "X-Big", huge), "Authorization",
                    auth.replace("SignedHeaders=", "SignedHeaders=x-big;")));
            assertRefused(verifier, bigHeader, ErrorType.IncompleteSignatureException)
                    .hasMessageContaining("signed headers are longer than");
        }
    }
}
