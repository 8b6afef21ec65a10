package dev.kiln.machines.registry;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistries;
import dev.kiln.core.container.ContainerRegistry;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OCI registries that stand in for ECR, one per region: the one the operator named for the
 * region, or else a CNCF registry ({@code docker-registry}) that Kiln runs on 127.0.0.1 with its
 * storage in {@code <regions>/<region>/registry/}.
 *
 * <p>Why it works this way:
 * <ul>
 * <li><b>Started on first use.</b> Most regions of a server never see a container build, so a
 * Kiln-run registry starts when {@link #registry} is first asked for it (concurrent callers wait for
 * that one start) and then stays up, supervised, until {@link #close()}; it keeps its port across
 * restarts because image URIs recorded earlier name it (see {@link LocalRegistry}).</li>
 * <li><b>An operator's registry is checked, never managed.</b> Each {@link #registry} call sends
 * {@code GET /v2/} (200, or 401 from a registry that wants credentials, both mean it serves the API;
 * bounded by 5 s) so a build fails at once with the region, the address and the cause ("connection
 * refused") instead of deep inside a push. Its URL may carry {@code user:password@}; the password
 * goes only to {@code auth.json}, never into a returned URL or a message.</li>
 * <li><b>Client configuration of its own.</b> buildah and skopeo learn which registries speak plain
 * http and which credentials to send from {@code registries.conf} and {@code auth.json} in the config
 * folder, handed to them through {@link #environment()} (and {@link #globalOptions()}, since skopeo 1.9
 * ignores {@code CONTAINERS_REGISTRIES_CONF}), not from the host's
 * {@code /etc/containers} or root's login files: builds must not depend on, or change, how the host
 * was set up. {@code registries.conf} lists no search registries, so a short name is not looked up
 * in public registries one after another (the aliases in the host's
 * {@code /etc/containers/registries.conf.d/} still apply: buildah 1.28 reads that folder whatever it is
 * told, so Debian's {@code shortnames.conf} still maps {@code debian} to Docker Hub); it lists every
 * Kiln-run registry that has started and every http:// registry the operator named as
 * {@code insecure} (plain http), and is
 * replaced atomically when a registry starts so a running buildah never reads half a file.
 * {@code auth.json} is mode 0600.</li>
 * <li><b>Leftovers from a crash are swept.</b> A Kiln killed with SIGKILL leaves its registries
 * running on their ports, where the next Kiln's registries could not start; {@link #sweepOrphans()}
 * stops them, recognising each by its pid file <em>and</em> its command line (docker-registry with
 * that folder's config), so a reused pid is never killed.</li>
 * </ul>
 */
public final class RegionRegistries implements ContainerRegistries {
    /** The environment variable buildah reads containers-registries.conf(5) from (skopeo 1.9 does not). */
    public static final String REGISTRIES_CONF_ENV = "CONTAINERS_REGISTRIES_CONF";
    /** The environment variable buildah and skopeo read containers-auth.json(5) from. */
    public static final String AUTH_FILE_ENV = "REGISTRY_AUTH_FILE";
    static final String REGISTRIES_CONF = "registries.conf";
    static final String AUTH_JSON = "auth.json";

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOCAL_ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path regionsFolder;
    private final Path configFolder;
    /** Region → the operator's registry URL, without credentials. */
    private final Map<String, URI> configured;
    private final Map<String, LocalRegistry> locals = new ConcurrentHashMap<>();
    /** {@code host:port} of each Kiln-run registry that has started, as listed in registries.conf. */
    private final TreeSet<String> startedHosts = new TreeSet<>();
    private volatile boolean closed;

    /**
     * Writes {@code registries.conf} and {@code auth.json} into {@code configFolder}; starts nothing.
     *
     * @param regionsFolder {@code <data>/regions}: a region's registry lives in {@code <region>/registry/}
     * @param configFolder  where the client files for buildah and skopeo go
     * @param configured    region → the operator's registry URL ({@code http} or {@code https}, optional
     *                      {@code user:password@}); regions not in it get a Kiln-run registry
     * @throws IllegalArgumentException when a URL is not a registry's base URL
     */
    public RegionRegistries(Path regionsFolder, Path configFolder, Map<String, URI> configured) throws IOException {
        this.regionsFolder = regionsFolder.toAbsolutePath().normalize();
        this.configFolder = configFolder.toAbsolutePath().normalize();
        Map<String, URI> plain = new TreeMap<>();
        Map<String, String> auths = new TreeMap<>();
        configured.forEach((region, url) -> {
            checkRegion(region);
            URI base = baseUrl(region, url);
            plain.put(region, base);
            String userInfo = url.getUserInfo();
            if (userInfo != null) {
                if (userInfo.indexOf(':') < 0) {
                    throw new IllegalArgumentException("the registry URL for region " + region + " (" + base
                            + ") has a user but no password: write it as " + base.getScheme() + "://USER:PASSWORD@"
                            + base.getRawAuthority());
                }
                auths.put(host(base), Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
            }
        });
        this.configured = Collections.unmodifiableMap(plain);
        Files.createDirectories(this.configFolder);
        writeAtomically(this.configFolder.resolve(AUTH_JSON), authJson(auths), true);
        writeRegistriesConf();
    }

    /**
     * {@code CONTAINERS_REGISTRIES_CONF} and {@code REGISTRY_AUTH_FILE}, pointing at this object's
     * files: add them to the environment of every buildah and skopeo run.
     */
    public Map<String, String> environment() {
        return Map.of(REGISTRIES_CONF_ENV, configFolder.resolve(REGISTRIES_CONF).toString(),
                AUTH_FILE_ENV, configFolder.resolve(AUTH_JSON).toString());
    }

    /**
     * {@code --registries-conf PATH}: global options for buildah and skopeo, placed before the
     * subcommand. skopeo 1.9 (Debian 12) ignores {@code CONTAINERS_REGISTRIES_CONF} and reads this
     * hidden option only; buildah honours both.
     */
    public List<String> globalOptions() {
        return List.of("--registries-conf", configFolder.resolve(REGISTRIES_CONF).toString());
    }

    @Override
    public ContainerRegistry registry(String region, BuildLog log) throws IOException, InterruptedException {
        checkRegion(region);
        if (closed) {
            throw new IllegalStateException("the region registries are closed");
        }
        URI url = configured.get(region);
        if (url != null) {
            return configuredRegistry(region, url, log);
        }
        LocalRegistry local = locals.computeIfAbsent(region, r -> new LocalRegistry(registryFolder(r)));
        boolean started;
        try {
            started = local.awaitAnswering(LOCAL_ANSWER_TIMEOUT);
        } catch (IOException e) {
            throw new BuildFailure("region " + region + ": Kiln's container registry"
                    + (local.port() > 0 ? " at " + local.host() : "") + " (" + local.folder() + ") is not"
                    + " available: " + e.getMessage(), e);
        }
        if (closed) {
            local.stop();
            throw new IllegalStateException("the region registries were closed meanwhile");
        }
        listStarted(local.host());
        if (started) {
            log.info("region " + region + ": started Kiln's container registry on " + local.host() + " (data in "
                    + local.folder() + ")");
        }
        return new ContainerRegistry(region, local.host(), local.url(), true);
    }

    /** docker-registry, unless the operator named the region's registry. */
    @Override
    public void checkHostPrograms(String region) {
        if (!configured.containsKey(region)) {
            HostPrograms.requireFor(HostPackages.Feature.REGISTRY);
        }
    }

    private ContainerRegistry configuredRegistry(String region, URI url, BuildLog log) throws InterruptedException {
        int status;
        try {
            status = RegistryPing.status(url, PING_TIMEOUT);
        } catch (IOException e) {
            throw new BuildFailure("region " + region + ": the container registry configured for it at " + url
                    + " does not answer: " + RegistryPing.describe(e, PING_TIMEOUT), e);
        }
        if (status != 200 && status != 401) {
            throw new BuildFailure("region " + region + ": the container registry configured for it at " + url
                    + " answered HTTP " + status + " to GET /v2/, so it does not serve the registry API there");
        }
        log.info("region " + region + ": container registry " + url + " (configured)");
        return new ContainerRegistry(region, host(url), url, false);
    }

    /**
     * Stops the docker-registry processes a crashed Kiln left serving {@code <regions>/*}{@code /registry/};
     * call it at start-up, before the first {@link #registry}. Registries this JVM runs are left alone.
     *
     * @return how many it stopped
     */
    public int sweepOrphans() throws IOException, InterruptedException {
        if (!Files.isDirectory(regionsFolder)) {
            return 0;
        }
        int stopped = 0;
        try (DirectoryStream<Path> regions = Files.newDirectoryStream(regionsFolder)) {
            for (Path region : regions) {
                Path folder = region.resolve("registry");
                if (Files.isRegularFile(folder.resolve(LocalRegistry.PID_FILE)) && LocalRegistry.stopOrphan(folder)) {
                    stopped++;
                }
            }
        }
        return stopped;
    }

    /** Stops every registry this object started (SIGTERM, SIGKILL after 5 s each); later calls do nothing. */
    @Override
    public void close() {
        closed = true;
        List<LocalRegistry> started = new ArrayList<>(locals.values());
        locals.clear();
        Collections.reverse(started);
        for (LocalRegistry r : started) {
            r.stop();
        }
    }

    /** The Kiln-run registry of a region, once {@link #registry} was asked for it; for tests. */
    LocalRegistry local(String region) {
        return locals.get(region);
    }

    Path registryFolder(String region) {
        return regionsFolder.resolve(region).resolve("registry");
    }

    private synchronized void listStarted(String host) throws IOException {
        if (startedHosts.add(host)) {
            writeRegistriesConf();
        }
    }

    private synchronized void writeRegistriesConf() throws IOException {
        TreeSet<String> insecure = new TreeSet<>(startedHosts);
        configured.values().stream().filter(u -> u.getScheme().equals("http")).map(RegionRegistries::host)
                .forEach(insecure::add);
        writeAtomically(configFolder.resolve(REGISTRIES_CONF), registriesConf(insecure), false);
    }

    /** containers-registries.conf(5), version 2: no search registries; these hosts spoken to over http. */
    static String registriesConf(Iterable<String> insecureHosts) {
        StringBuilder b = new StringBuilder()
                .append("# Written by Kiln (RegionRegistries) for the buildah and skopeo it runs; edits are lost.\n")
                .append("unqualified-search-registries = []\n");
        for (String host : insecureHosts) {
            b.append("\n[[registry]]\n")
                    .append("location = ").append(tomlString(host)).append('\n')
                    .append("insecure = true\n");
        }
        return b.toString();
    }

    /** containers-auth.json(5): host → base64 of {@code user:password}. */
    static String authJson(Map<String, String> authByHost) {
        StringBuilder b = new StringBuilder("{\n  \"auths\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : new TreeMap<>(authByHost).entrySet()) {
            b.append(sep).append("    ").append(jsonString(e.getKey())).append(": {\"auth\": ")
                    .append(jsonString(e.getValue())).append('}');
            sep = ",\n";
        }
        return b.append(authByHost.isEmpty() ? "}\n}\n" : "\n  }\n}\n").toString();
    }

    /** {@code host[:port]} as image references spell it. */
    static String host(URI url) {
        return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    }

    /** The URL as a registry base: scheme, host and port only; credentials and a trailing slash dropped. */
    static URI baseUrl(String region, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        boolean pathOk = url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/");
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null || !pathOk
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("the registry URL for region " + region + " must be like"
                    + " https://HOST[:PORT] or http://HOST:PORT (the registry API is served from /v2/ at the root),"
                    + " not " + withoutUserInfo(url));
        }
        return URI.create(scheme + "://" + host(url));
    }

    private static String withoutUserInfo(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }

    private static void checkRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: '" + region + "'");
        }
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String tomlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
