package dev.kiln.toe.action;

import dev.kiln.common.wait.Deadline;
import dev.kiln.toe.action.Transfers.StagedFile;
import dev.kiln.toe.action.Transfers.TargetWriteException;
import dev.kiln.toe.target.FileInfo;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * WebDownload: fetches http(s) URLs in the engine and writes them to the target, checking a checksum
 * when one is given. Each download gets up to five attempts with exponential backoff, as AWSTOE's
 * does, for connection errors and server errors (5xx, and 429 which asks to come back later).
 */
final class WebDownload implements Action {
    private static final String MODULE = "WebDownload";
    private static final int ATTEMPTS = 5;

    private final Duration firstBackoff;

    WebDownload() {
        this(Duration.ofSeconds(1));
    }

    /** @param firstBackoff the wait after the first failed attempt; it doubles after each further one */
    WebDownload(Duration firstBackoff) {
        this.firstBackoff = firstBackoff;
    }

    private record Download(URI source, String destination, boolean overwrite, String checksum, String algorithm,
                            boolean ignoreCertificateErrors) {
    }

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Deadline deadline = Transfers.deadline(context);
        return EachInput.of(MODULE, WebDownload::download, (d, files, ctx) -> fetch(ctx, files, d, deadline))
                .withOutput("destination", "\n").run(context);
    }

    private static Download download(Inputs in) throws StepFailedException {
        String source = in.string("source");
        URI uri;
        try {
            uri = URI.create(source.trim());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(in.where() + ".source '" + source + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new StepFailedException(in.where() + ".source '" + source + "' is not an http or https URL");
        }
        String checksum = in.string("checksum", null);
        String algorithm = in.string("algorithm", null);
        if ((checksum == null) != (algorithm == null)) {
            throw new StepFailedException(in.where() + ": checksum and algorithm go together; give both or neither");
        }
        if (algorithm != null) {
            try {
                digest(algorithm);
            } catch (StepFailedException e) {
                throw new StepFailedException(in.where() + "." + e.getMessage());
            }
        }
        return new Download(uri, in.string("destination"), in.bool("overwrite", true),
                checksum == null ? null : checksum.trim(), algorithm, in.bool("ignoreCertificateErrors", false));
    }

    /** Downloads one URL, with retries; answers the path written. */
    private String fetch(ActionContext context, TargetFiles files, Download d, Deadline deadline)
            throws IOException, StepFailedException, InterruptedException {
        String destination = d.destination();
        if (files.syntax().endsWithSeparator(destination)) {
            String path = d.source().getPath() == null ? "" : d.source().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.isEmpty()) {
                throw new StepFailedException("cannot take a file name from " + d.source()
                        + ": give destination a file name");
            }
            destination = files.syntax().join(destination, name);
        }
        if (upToDate(files, d, destination)) {
            context.log(MODULE + ": " + destination + " already has " + d.algorithm() + " " + d.checksum()
                    + "; not downloading " + d.source());
            return destination;
        }
        files.createParent(destination);
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                context.log(MODULE + ": downloading " + d.source() + " to " + destination);
                fetchOnce(context.target(), d, destination, deadline);
                return destination;
            } catch (SSLException e) {
                // A certificate problem does not go away by asking again.
                throw new StepFailedException("cannot download " + d.source() + ": " + EachInput.describe(e)
                        + " (ignoreCertificateErrors: true accepts any certificate)");
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw new StepFailedException("cannot download " + d.source() + ": "
                            + Transfers.describe(e, deadline));
                }
                if (attempt == ATTEMPTS) {
                    throw new StepFailedException("cannot download " + d.source() + " after " + ATTEMPTS
                            + " attempts: " + EachInput.describe(e));
                }
                context.log(MODULE + ": attempt " + attempt + " of " + ATTEMPTS + " to download " + d.source()
                        + " failed (" + EachInput.describe(e) + "); trying again in " + backoff.toMillis() + " ms");
                deadline.sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    /**
     * One attempt. IOException means it may work next time (connection lost, 5xx); StepFailedException
     * means it will not (404, wrong checksum, the target refusing the file).
     */
    private static void fetchOnce(Target target, Download d, String destination, Deadline deadline)
            throws IOException, StepFailedException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(d.source()).GET();
        Duration left = deadline.remainingOrNull();
        if (left != null) {
            Transfers.check(deadline);
            request.timeout(left);
        }
        HttpClient http = d.ignoreCertificateErrors() ? Clients.TRUSTING_ALL : Clients.STANDARD;
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status >= 500 || status == 429) {
                throw new IOException("HTTP " + status);
            }
            if (status != 200) {
                throw new StepFailedException("cannot download " + d.source() + ": HTTP " + status
                        + (response.uri().equals(d.source()) ? "" : " from " + response.uri()));
            }
            MessageDigest digest = d.checksum() == null ? null : digest(d.algorithm());
            try (StagedFile file = new StagedFile(target, destination)) {
                file.copyFrom(body, digest, deadline);
                if (digest != null) {
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (!actual.equalsIgnoreCase(d.checksum())) {
                        throw new StepFailedException("the " + d.algorithm() + " checksum of " + d.source() + " is "
                                + actual + ", not " + d.checksum() + "; " + destination + " was not written");
                    }
                }
                file.commit();
            } catch (TargetWriteException e) {
                throw new StepFailedException(e.getMessage());
            }
        }
    }

    /**
     * Checks the destination before downloading: it must not be a folder, nor exist when overwrite is
     * false. Answers true when it already has the expected checksum, so downloading again is not needed.
     */
    private static boolean upToDate(TargetFiles files, Download d, String destination)
            throws IOException, StepFailedException {
        Optional<FileInfo> existing = files.stat(destination);
        if (existing.isEmpty()) {
            return false;
        }
        if (existing.get().isFolder()) {
            throw new StepFailedException("destination " + destination + " is a folder; end it with a separator"
                    + " to download into it");
        }
        if (!d.overwrite()) {
            throw new StepFailedException(destination + " already exists and overwrite is false");
        }
        return d.checksum() != null && HexFormat.of()
                .formatHex(digest(d.algorithm()).digest(files.target().read(destination)))
                .equalsIgnoreCase(d.checksum());
    }

    private static MessageDigest digest(String algorithm) throws StepFailedException {
        String name = switch (algorithm.trim().toUpperCase(Locale.ROOT)) {
            case "MD5" -> "MD5";
            case "SHA1" -> "SHA-1";
            case "SHA256" -> "SHA-256";
            case "SHA512" -> "SHA-512";
            default -> throw new StepFailedException("algorithm '" + algorithm + "' is not one of MD5, SHA1, SHA256,"
                    + " SHA512");
        };
        try {
            return MessageDigest.getInstance(name);
        } catch (GeneralSecurityException e) {
            throw new StepFailedException("this JVM has no " + name);
        }
    }

    /**
     * The HTTP clients, made once for all downloads. Redirects are followed except from https to
     * http, so that a download asked for over TLS never continues in the clear.
     */
    private static final class Clients {
        static final HttpClient STANDARD = builder().build();
        static final HttpClient TRUSTING_ALL = builder().sslContext(trustingAll()).build();

        private static HttpClient.Builder builder() {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30));
        }

        /**
         * For ignoreCertificateErrors: accepts any certificate for any host. It must be an
         * X509ExtendedTrustManager, because JSSE wraps a plain X509TrustManager in one that still checks
         * the host name.
         */
        private static SSLContext trustingAll() {
            TrustManager any = new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {any}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS", e);
            }
        }
    }
}
