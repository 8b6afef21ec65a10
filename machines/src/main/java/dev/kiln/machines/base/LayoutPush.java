package dev.kiln.machines.base;

import dev.kiln.machines.host.HostPrograms;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts a cached container base image into a registry unless the registry already has it: the
 * manifest under the tag is asked for first (an HTTP HEAD, or {@code skopeo inspect} when the registry
 * wants credentials or TLS settings Java does not have), and only a missing or different one is pushed
 * with {@code skopeo copy}.
 */
final class LayoutPush {
    private static final String REGISTRIES_CONF = "CONTAINERS_REGISTRIES_CONF";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(15);
    /** Every manifest type, so that the registry answers with the stored manifest's own digest. */
    private static final String ACCEPT = String.join(", ", OciLayout.MANIFEST_TYPE, OciLayout.INDEX_TYPE,
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private final Clock clock;

    LayoutPush(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param environment variables for skopeo, e.g. {@code REGISTRY_AUTH_FILE}, {@code CONTAINERS_REGISTRIES_CONF}
     * @return the reference it can be pulled by, {@code host/repository:tag}
     * @throws BuildFailure when the registry does not answer or the push fails
     */
    String ensurePushed(ContainerBaseImage image, ContainerRegistry registry, Map<String, String> environment,
                        BuildLog log) throws IOException, InterruptedException {
        String reference = registry.reference(image.repository(), image.tag());
        Instant start = clock.instant();
        String present = presentDigest(image, registry, environment);
        if (image.manifestDigest().equals(present)) {
            log.info("container base image " + image.name() + " is in the registry of region " + registry.region()
                    + " already: " + reference);
            return reference;
        }
        log.info("container base image " + image.name() + ": pushing to " + reference
                + (present == null ? "" : " (the registry has " + present + " under that tag)"));
        List<String> command = skopeo(environment, "copy", "--preserve-digests");
        if (insecure(registry)) {
            command.add("--dest-tls-verify=false");
        }
        command.addAll(List.of(image.ociReference(), "docker://" + reference));
        try {
            HostPrograms.run(command, environment, PUSH_TIMEOUT, log, "skopeo");
        } catch (IOException e) {
            throw new BuildFailure("cannot push container base image " + image.name() + " to the registry of region "
                    + registry.region() + " (" + reference + "): " + e.getMessage(), e);
        }
        log.info("container base image " + image.name() + ": pushed to " + reference + " in "
                + Duration.between(start, clock.instant()).toMillis() + " ms");
        return reference;
    }

    /**
     * The digest of the manifest the registry has under the image's tag; null when it has none or
     * cannot say (then a push follows, which reports what is wrong).
     */
    private String presentDigest(ContainerBaseImage image, ContainerRegistry registry, Map<String, String> environment)
            throws IOException, InterruptedException {
        String base = registry.url().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/v2/" + image.repository() + "/manifests/" + image.tag());
        HttpRequest head = HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", ACCEPT).timeout(ASK_TIMEOUT).build();
        HttpResponse<Void> response;
        try {
            response = HTTP.send(head, HttpResponse.BodyHandlers.discarding());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new BuildFailure("the container registry of region " + registry.region() + " at " + registry.url()
                    + " does not answer (" + describe(e) + "); cannot push container base image " + image.name(), e);
        } catch (HttpTimeoutException e) {
            throw new BuildFailure("the container registry of region " + registry.region() + " at " + registry.url()
                    + " did not answer within " + ASK_TIMEOUT.toSeconds() + " s; cannot push container base image "
                    + image.name(), e);
        } catch (IOException e) {
            // TLS with a certificate only the containers configuration trusts, say: skopeo knows more.
            return inspect(image, registry, environment);
        }
        return switch (response.statusCode()) {
            case 200 -> response.headers().firstValue("Docker-Content-Digest").orElse(null);
            case 401, 403 -> inspect(image, registry, environment);
            default -> null;
        };
    }

    /** Asks through skopeo, which has the credentials and registry settings from the environment. */
    private String inspect(ContainerBaseImage image, ContainerRegistry registry, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = skopeo(environment, "inspect", "--format", "{{.Digest}}");
        if (insecure(registry)) {
            command.add("--tls-verify=false");
        }
        command.add("docker://" + registry.reference(image.repository(), image.tag()));
        String output;
        try {
            output = HostPrograms.run(command, environment, ASK_TIMEOUT, null, null);
        } catch (IOException e) {
            return null;
        }
        return output.lines().map(String::strip).filter(l -> l.startsWith("sha256:")).reduce((a, b) -> b)
                .orElse(null);
    }

    /** A registry on loopback, or one the operator named by an http URL, is spoken to without TLS. */
    static boolean insecure(ContainerRegistry registry) {
        if ("http".equalsIgnoreCase(registry.url().getScheme())) {
            return true;
        }
        String host = URI.create("//" + registry.host()).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /**
     * skopeo and a subcommand. skopeo 1.9 (Debian 12) ignores {@code CONTAINERS_REGISTRIES_CONF} and
     * reads registries.conf only from its global {@code --registries-conf} option, so the variable is
     * passed that way too.
     */
    private static List<String> skopeo(Map<String, String> environment, String... subcommand) throws IOException {
        List<String> command = new ArrayList<>(List.of(HostPrograms.require("skopeo").toString()));
        String registriesConf = environment.get(REGISTRIES_CONF);
        if (registriesConf != null) {
            command.addAll(List.of("--registries-conf", registriesConf));
        }
        command.addAll(List.of(subcommand));
        return command;
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
