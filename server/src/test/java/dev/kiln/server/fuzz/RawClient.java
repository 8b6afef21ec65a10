package dev.kiln.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Sends requests to a server on 127.0.0.1 exactly as they are given, signed with the AWS SDK's own
 * SigV4 signer (so that they get past authentication), and answers what came back as it came: status,
 * headers and body, whatever they are. Nothing is checked, parsed or retried: that is for the tests.
 * Three ways to send: {@link #send} (the JDK's HTTP client, or a socket for a query no URI class
 * takes), {@link #sendRaw} (a request as written, over a socket) and {@link #announce} (a body announced
 * and never sent in full).
 */
public final class RawClient {
    private static final String HOST = "127.0.0.1";

    private final int port;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public RawClient(int port, String region, String accessKey, String secretKey) {
        this.port = port;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** A client that signs with the {@code default} keys of a Kiln credentials file. */
    public static RawClient withCredentialsFile(int port, String region, Path credentialsFile) throws IOException {
        String accessKey = null;
        String secretKey = null;
        for (String line : Files.readAllLines(credentialsFile)) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("aws_access_key_id")) {
                accessKey = kv[1].strip();
            } else if (kv.length == 2 && kv[0].strip().equals("aws_secret_access_key")) {
                secretKey = kv[1].strip();
            }
        }
        return new RawClient(port, region, accessKey, secretKey);
    }

    public String endpoint() {
        return "http://" + HOST + ":" + port;
    }

    /** Signs the request with the AWS SDK's SigV4 signer, sends it, and returns the answer. */
    public RawAnswer send(RawRequest req) throws IOException {
        byte[] body = req.body() == null ? new byte[0] : req.body();
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().protocol("http").host(HOST)
                .port(port).method(SdkHttpMethod.fromValue(req.method())).encodedPath(req.path());
        req.query().forEach(b::putRawQueryParameter);
        if (body.length > 0) {
            b.putHeader("Content-Type", "application/json");
        }
        SdkHttpRequest signed = sign(b.build(), body);
        String query = signed.encodedQueryParameters().orElse("");
        if (req.wireQuery()) {
            // Sent as the raw text, not as the SDK encodes it: the signature stays valid (the server
            // reads a malformed escape as literal text when it computes the canonical query). No URI
            // class accepts such a query, so it goes over a socket.
            query = query.replace("%25zz%25", "%zz%");
            return sendRaw(req.method(), req.path() + "?" + query, signed.headers(), body);
        }
        HttpRequest.Builder h = HttpRequest.newBuilder(URI.create(endpoint() + req.path()
                        + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30))
                .method(req.method(), body.length > 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.noBody());
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> h.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> r = http.send(h.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new RawAnswer(r.statusCode(), r.headers().map(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Sends a request as written over a socket (HTTP/1.1, one request per connection), unsigned. */
    public RawAnswer sendRaw(String method, String target, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        try (Socket socket = new Socket(HOST, port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            head.append("Host: ").append(HOST).append(':').append(port).append("\r\n");
            headers.forEach((k, vs) -> {
                if (!k.equalsIgnoreCase("Host") && !k.equalsIgnoreCase("Content-Length")) {
                    vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n"));
                }
            });
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return readAnswer(socket.getInputStream());
        }
    }

    /** How {@link #announce} sends the body it announces. */
    public enum BodyMode {
        /** With {@code Content-Length}, and only the first 64 KiB sent. */
        FIRST_BYTES,
        /** With {@code Content-Length} and {@code Expect: 100-continue}, and nothing sent. */
        EXPECT_CONTINUE,
        /** Chunked, the first {@code chunkedBytes} sent and the body left unfinished (no last chunk). */
        CHUNKED
    }

    /**
     * Sends a signed request announcing a huge body over a raw socket and reads the answer: with
     * {@code Content-Length} and only the first 64 KiB sent, or with {@code Expect: 100-continue} and
     * nothing sent, or chunked, with the first {@code chunkedBytes} sent and the body left unfinished
     * (no last chunk). The answer must come all the same. (Jetty dispatches a request once its first
     * body bytes arrive, or at once when the client expects 100-continue: a client that announces a
     * body and sends none of it waits for its idle timeout.)
     *
     * @param size how many bytes of 'a' the body has: what it is signed over, never sent in full
     */
    public RawAnswer announce(String method, String path, BodyMode mode, long size, long chunkedBytes)
            throws Exception {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().protocol("http").host(HOST)
                .port(port).method(SdkHttpMethod.fromValue(method)).encodedPath(path)
                .putHeader("Content-Type", "application/json");
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(b.build())
                .payload(() -> new Filler(size))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "imagebuilder")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
        try (Socket socket = new Socket(HOST, port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            head.append("Host: ").append(HOST).append(':').append(port).append("\r\n");
            signed.headers().forEach((k, vs) -> {
                if (!k.equalsIgnoreCase("Host")) {
                    vs.forEach(v -> head.append(k).append(": ").append(v).append("\r\n"));
                }
            });
            head.append(mode == BodyMode.CHUNKED ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + size + "\r\n");
            if (mode == BodyMode.EXPECT_CONTINUE) {
                head.append("Expect: 100-continue\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (mode == BodyMode.FIRST_BYTES) {
                out.write(new byte[64 * 1024]);
                out.flush();
            }
            if (mode != BodyMode.CHUNKED) {
                return readAnswer(socket.getInputStream());
            }
            byte[] chunk = ("10000\r\n" + "a".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            Thread writer = new Thread(() -> {
                try {
                    for (long sent = 0; sent < chunkedBytes && sent < size; sent += 0x10000) {
                        out.write(chunk);
                    }
                    out.flush();
                } catch (IOException e) {
                    // The server answered and closed the connection.
                }
            });
            writer.setDaemon(true);
            writer.start();
            RawAnswer answer = readAnswer(socket.getInputStream());
            socket.close();
            writer.join(10_000);
            return answer;
        }
    }

    private SdkHttpRequest sign(SdkHttpFullRequest request, byte[] body) {
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "imagebuilder")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
    }

    /** {@code size} bytes of 'a'. */
    static final class Filler extends InputStream {
        private long left;

        Filler(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 'a' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 'a');
            left -= n;
            return n;
        }
    }

    /** Reads one HTTP/1.1 answer (after any 100 Continue) whose body has a Content-Length. */
    static RawAnswer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException e) {
                throw new IOException("no answer within the timeout (the server waited for the body?)", e);
            }
            if (c < 0) {
                throw new IOException("connection closed before an answer");
            }
            headBytes.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (c == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        int status = Integer.parseInt(statusLine[1]);
        if (status == 100) {
            return readAnswer(in);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int length = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).strip();
                String value = lines[i].substring(colon + 1).strip();
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                }
            }
        }
        return new RawAnswer(status, headers, in.readNBytes(length));
    }
}
