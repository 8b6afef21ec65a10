package dev.kiln.machines.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * {@code GET /v2/}, the registry API's version check: the cheapest request that proves a registry
 * serves its API. One client for the package, since every HttpClient keeps a selector thread.
 */
final class RegistryPing {
    /**
     * HTTP/1.1 only: the JDK client would otherwise try an h2c upgrade on plain http, which Go's
     * server ignores but which costs a round of headers for nothing.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private RegistryPing() {
    }

    /** The status {@code GET <base>/v2/} answers with. */
    static int status(URI base, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(v2(base)).timeout(timeout).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** True when the registry answers 200: a loopback registry of Kiln's has no authentication. */
    static boolean answers(URI base, Duration timeout) throws InterruptedException {
        try {
            return status(base, timeout) == 200;
        } catch (IOException e) {
            return false;
        }
    }

    static URI v2(URI base) {
        return URI.create(base.getScheme() + "://" + base.getRawAuthority().replaceFirst("^.*@", "") + "/v2/");
    }

    /** What went wrong, in the words a person would use ("connection refused", "unknown host"). */
    static String describe(IOException e, Duration timeout) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (hasCause(e, UnresolvedAddressException.class)) {
            return "unknown host";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + timeout.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        if (hasCause(e, SSLException.class)) {
            return "TLS failed: " + root.getMessage();
        }
        if (e instanceof ConnectException || hasCause(e, ConnectException.class)) {
            String m = root.getMessage();
            return m == null || m.isBlank() || m.toLowerCase().contains("refused") ? "connection refused" : m;
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
