package dev.kiln.common.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.common.sigv4.SigV4;
import dev.kiln.common.sigv4.Signer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small S3-compatible server for tests, path-style: CreateBucket, ListObjectsV2 (with pages of
 * {@link #pageSize} keys), GetObject and PutObject. Like S3 it refuses requests whose SigV4 signature
 * or payload hash does not match, and those whose x-amz-expected-bucket-owner is not {@link #owner}.
 */
public final class FakeS3 implements AutoCloseable {
    public static final String KEY_ID = "AKIDKILNTEST";
    public static final String SECRET = "kiln/test+secret";
    public static final String REGION = "eu-west-1";
    private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 "
            + "Credential=([^/]+)/(\\d{8})/([^/]+)/s3/aws4_request,SignedHeaders=([^,]+),Signature=(\\w+)");

    /** One request as it arrived: method, raw path and query, and headers (lower-case names). */
    public record Request(String method, String rawPath, String rawQuery, Map<String, String> headers) {
    }

    private final Map<String, NavigableMap<String, byte[]>> buckets = new ConcurrentHashMap<>();
    public final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    /** The most keys one ListObjectsV2 page holds. */
    public volatile int pageSize = 1000;
    /** The account that owns every bucket, checked against x-amz-expected-bucket-owner. */
    public volatile String owner = "111122223333";
    private final HttpServer server;

    private FakeS3() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeS3 start() throws IOException {
        return new FakeS3();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The variables that point the S3 modules at this server. */
    public Map<String, String> environment() {
        return Map.of("AWS_ENDPOINT_URL_S3", endpoint(), "AWS_ACCESS_KEY_ID", KEY_ID,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", REGION);
    }

    public void createBucket(String bucket) {
        buckets.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    }

    public void put(String bucket, String key, String content) {
        createBucket(bucket);
        buckets.get(bucket).put(key, content.getBytes(StandardCharsets.UTF_8));
    }

    /** An object's content as text, or null when there is none. */
    public String object(String bucket, String key) {
        byte[] b = buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>()).get(key);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public List<String> keys(String bucket) {
        return List.copyOf(buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>()).keySet());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI uri = exchange.getRequestURI();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            requests.add(new Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers));

            String refusal = refusal(exchange.getRequestMethod(), uri, headers, body);
            if (refusal != null) {
                error(exchange, 403, refusal.startsWith("Access") ? "AccessDenied" : "SignatureDoesNotMatch", refusal);
                return;
            }
            String path = uri.getPath().substring(1);
            int slash = path.indexOf('/');
            String bucket = slash < 0 ? path : path.substring(0, slash);
            String key = slash < 0 ? "" : path.substring(slash + 1);
            NavigableMap<String, byte[]> objects = buckets.get(bucket);
            String method = exchange.getRequestMethod();
            if (method.equals("PUT") && key.isEmpty()) {
                createBucket(bucket);
                reply(exchange, 200, new byte[0]);
            } else if (objects == null) {
                error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
            } else if (method.equals("PUT")) {
                objects.put(key, body);
                reply(exchange, 200, new byte[0]);
            } else if (method.equals("GET") && key.isEmpty()) {
                list(exchange, bucket, objects, query(uri.getRawQuery()));
            } else if (method.equals("GET") && objects.containsKey(key)) {
                reply(exchange, 200, objects.get(key));
            } else if (method.equals("GET")) {
                error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
            } else {
                error(exchange, 405, "MethodNotAllowed", "The specified method is not allowed");
            }
        }
    }

    /** Why S3 would refuse this request, or null when it would not. */
    private String refusal(String method, URI uri, Map<String, String> headers, byte[] body) {
        Matcher m = AUTHORIZATION.matcher(headers.getOrDefault("authorization", ""));
        if (!m.matches() || !m.group(1).equals(KEY_ID) || !m.group(3).equals(REGION)) {
            return "missing or malformed Authorization: " + headers.get("authorization");
        }
        String payloadHash = headers.getOrDefault("x-amz-content-sha256", "");
        if (!payloadHash.equals(SigV4.sha256Hex(body))) {
            return "x-amz-content-sha256 does not match the body";
        }
        // The signer adds x-amz-date and x-amz-content-sha256 itself; pass the other signed headers.
        Map<String, String> signed = new LinkedHashMap<>();
        for (String name : m.group(4).split(";")) {
            if (!name.equals("x-amz-date") && !name.equals("x-amz-content-sha256")) {
                signed.put(name, headers.getOrDefault(name, ""));
            }
        }
        var time = LocalDateTime.parse(headers.getOrDefault("x-amz-date", ""),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
        String expected = Signer.forS3(KEY_ID, SECRET, null, REGION)
                .sign(method, uri.getRawPath(), uri.getRawQuery(), signed, payloadHash, time).get("authorization");
        if (!expected.equals(headers.get("authorization"))) {
            return "The request signature we calculated does not match the signature you provided.";
        }
        String expectedOwner = headers.get("x-amz-expected-bucket-owner");
        if (expectedOwner != null && !expectedOwner.equals(owner)) {
            return "Access Denied";
        }
        return null;
    }

    private void list(HttpExchange exchange, String bucket, NavigableMap<String, byte[]> objects,
                      Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String after = query.get("continuation-token");
        int max = Math.min(pageSize, Integer.parseInt(query.getOrDefault("max-keys", "1000")));
        List<String> keys = new ArrayList<>();
        for (String key : after == null ? objects.keySet() : objects.tailMap(after, false).keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        boolean truncated = keys.size() > max;
        List<String> page = keys.subList(0, Math.min(max, keys.size()));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Name>" + escape(bucket) + "</Name><Prefix>" + escape(prefix) + "</Prefix>"
                + "<KeyCount>" + page.size() + "</KeyCount><MaxKeys>" + max + "</MaxKeys>"
                + "<IsTruncated>" + truncated + "</IsTruncated>");
        for (String key : page) {
            xml.append("<Contents><Key>").append(escape(key)).append("</Key><Size>")
                    .append(objects.get(key).length).append("</Size></Contents>");
        }
        if (truncated) {
            xml.append("<NextContinuationToken>").append(escape(page.get(page.size() - 1)))
                    .append("</NextContinuationToken>");
        }
        reply(exchange, 200, xml.append("</ListBucketResult>").toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String part : raw.split("&")) {
                String[] kv = part.split("=", 2);
                // '+' is sent as %2B, so URLDecoder's reading of '+' as a space never applies.
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        reply(exchange, status, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
                + "</Code><Message>" + escape(message) + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
