package dev.kiln.machines.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A one-file OCI image pushed with the registry HTTP API, so tests need no image tooling. */
final class TinyImage {
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TinyImage() {
    }

    /** Pushes an image holding {@code /hello.txt}; returns the manifest's digest. */
    static String push(URI registry, String repository, String tag, String content, String basicAuth)
            throws IOException, InterruptedException {
        byte[] tar = tar("hello.txt", content.getBytes(StandardCharsets.UTF_8));
        byte[] layer = gzip(tar);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + digest(tar) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        uploadBlob(registry, repository, layer, basicAuth);
        uploadBlob(registry, repository, config, basicAuth);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + digest(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + digest(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = send(request(registry.resolve("/v2/" + repository + "/manifests/" + tag), basicAuth)
                .header("Content-Type", MANIFEST_TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        expect(r, 201);
        return digest(manifest);
    }

    /** The status of {@code GET /v2/<repository>/manifests/<reference>}. */
    static int manifestStatus(URI registry, String repository, String reference)
            throws IOException, InterruptedException {
        return send(request(registry.resolve("/v2/" + repository + "/manifests/" + reference), null)
                .header("Accept", MANIFEST_TYPE).GET()).statusCode();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void uploadBlob(URI registry, String repository, byte[] blob, String basicAuth)
            throws IOException, InterruptedException {
        URI uploads = registry.resolve("/v2/" + repository + "/blobs/uploads/");
        HttpResponse<String> started = send(request(uploads, basicAuth).POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI put = registry.resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest(blob));
        HttpResponse<String> done = send(request(put, basicAuth).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        expect(done, 201);
    }

    private static HttpRequest.Builder request(URI uri, String basicAuth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (basicAuth != null) {
            b.header("Authorization", basicAuth);
        }
        return b;
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": "
                    + r.body());
        }
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            e.setMode(0644);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static String digest(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
