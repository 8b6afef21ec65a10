package dev.kiln.common.s3;

import dev.kiln.common.sigv4.SigV4;
import dev.kiln.common.sigv4.Signer;
import dev.kiln.common.uri.PercentEncoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The few S3 operations the S3 modules need (ListObjectsV2, GetObject, PutObject, CreateBucket),
 * path-style, signed with SigV4, over the JDK's HTTP client.
 */
public final class S3Client {
    /** S3 answers at most this many keys per ListObjectsV2 page. */
    private static final int PAGE = 1000;

    private final S3Config config;
    private final Signer signer;
    private final Supplier<Duration> timeLeft;
    private final HttpClient http;

    /** @param timeLeft time left for the whole operation (null when unbounded), asked before each request */
    public S3Client(S3Config config, Supplier<Duration> timeLeft) {
        this.config = config;
        Credentials credentials = config.credentials();
        this.signer = Signer.forS3(credentials.accessKeyId(), credentials.secretAccessKey(),
                credentials.sessionToken(), config.region());
        this.timeLeft = timeLeft;
        // Signed requests must not be replayed elsewhere: S3 redirects are errors to report, not to follow.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Objects under a prefix, in key order, at most {@code limit}; {@code truncated} when there are more. */
    public record Listing(List<S3Object> objects, boolean truncated) {
        public Listing {
            objects = List.copyOf(objects);
        }
    }

    public Listing list(String bucket, String prefix, int limit, String expectedOwner)
            throws S3Exception, IOException, InterruptedException {
        List<S3Object> objects = new ArrayList<>();
        String token = null;
        boolean truncated = true;
        while (truncated && objects.size() < limit) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("list-type", "2");
            if (!prefix.isEmpty()) {
                query.put("prefix", prefix);
            }
            query.put("max-keys", Integer.toString(Math.min(PAGE, limit - objects.size())));
            if (token != null) {
                query.put("continuation-token", token);
            }
            HttpResponse<byte[]> response = send("GET", bucket, "", query, null, expectedOwner,
                    BodyHandlers.ofByteArray());
            Document page = parseXml(response.body());
            NodeList contents = page.getElementsByTagName("Contents");
            for (int i = 0; i < contents.getLength(); i++) {
                Element c = (Element) contents.item(i);
                String size = text(c, "Size");
                objects.add(new S3Object(text(c, "Key"), size == null ? 0 : Long.parseLong(size.trim())));
            }
            truncated = "true".equals(text(page.getDocumentElement(), "IsTruncated"));
            token = text(page.getDocumentElement(), "NextContinuationToken");
            if (truncated && token == null) {
                throw new S3Exception("the listing of s3://" + bucket + "/" + prefix
                        + " is truncated but has no NextContinuationToken");
            }
        }
        return new Listing(objects, truncated);
    }

    /** The object's content, streamed; the caller closes it. */
    public InputStream get(S3Location object, String expectedOwner)
            throws S3Exception, IOException, InterruptedException {
        return send("GET", object.bucket(), object.key(), Map.of(), null, expectedOwner,
                BodyHandlers.ofInputStream()).body();
    }

    public void put(S3Location object, byte[] content, String expectedOwner)
            throws S3Exception, IOException, InterruptedException {
        send("PUT", object.bucket(), object.key(), Map.of(), content, expectedOwner, BodyHandlers.ofByteArray());
    }

    public void createBucket(String bucket) throws S3Exception, IOException, InterruptedException {
        send("PUT", bucket, "", Map.of(), null, null, BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(String method, String bucket, String key, Map<String, String> query,
                                     byte[] body, String expectedOwner, BodyHandler<T> handler)
            throws S3Exception, IOException, InterruptedException {
        URI endpoint = config.endpoint();
        // Encoded once, here, and signed exactly as sent: S3 does not normalise paths before checking.
        String path = endpoint.getRawPath() + "/" + PercentEncoding.encode(bucket, false)
                + (key.isEmpty() ? "" : "/" + PercentEncoding.encode(key, true));
        StringJoiner rawQuery = new StringJoiner("&");
        query.forEach((k, v) -> rawQuery.add(
                PercentEncoding.encode(k, false) + "=" + PercentEncoding.encode(v, false)));
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path
                + (query.isEmpty() ? "" : "?" + rawQuery));

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", endpoint.getRawAuthority());
        if (expectedOwner != null) {
            headers.put("x-amz-expected-bucket-owner", expectedOwner);
        }
        byte[] payload = body == null ? new byte[0] : body;
        Map<String, String> signed = signer.sign(method, path, uri.getRawQuery(), headers,
                SigV4.sha256Hex(payload), Instant.now());

        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        // The HTTP client writes Host itself, from the same URI authority we signed.
        signed.forEach((name, value) -> {
            if (!name.equals("host")) {
                request.header(name, value);
            }
        });
        Duration left = timeLeft.get();
        if (left != null) {
            if (left.isZero() || left.isNegative()) {
                throw new HttpTimeoutException("no time left for " + method + " " + uri);
            }
            request.timeout(left);
        }

        HttpResponse<T> response = http.send(request.build(), handler);
        if (response.statusCode() / 100 != 2) {
            throw error(response);
        }
        return response;
    }

    /** The S3 error from a failed response's XML body: "Code: Message (HTTP status)". */
    private static S3Exception error(HttpResponse<?> response) throws IOException {
        byte[] body;
        if (response.body() instanceof InputStream in) {
            try (in) {
                body = in.readAllBytes();
            }
        } else if (response.body() instanceof byte[] bytes) {
            body = bytes;
        } else {
            body = new byte[0];
        }
        int status = response.statusCode();
        String code = null;
        String message = null;
        try {
            Element root = parseXml(body).getDocumentElement();
            code = text(root, "Code");
            message = text(root, "Message");
        } catch (S3Exception e) {
            // No XML error body (HEAD answers, proxies): the status is all there is.
        }
        String text = (code == null ? "HTTP " + status : code + (message == null ? "" : ": " + message)
                + " (HTTP " + status + ")");
        return new S3Exception(text, status, code);
    }

    private static Document parseXml(byte[] xml) throws S3Exception {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // A server's answer is untrusted input: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new S3Exception("the S3 endpoint answered something that is not XML");
        }
    }

    /** The text of the first child element with this name, or null. */
    private static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }
}
