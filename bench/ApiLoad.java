import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The load generator of bench/api-load.sh: drives a running `kiln server` over HTTP from its own
 * process, as N concurrent clients (closed loop: each client sends its next request when the answer
 * to the last one has arrived), every request SigV4-signed here with the key from the server's
 * credentials file. Needs only the JDK (java.net.http and javax.crypto); run it as a single-file
 * program: `java bench/ApiLoad.java --endpoint http://127.0.0.1:PORT --credentials DIR/credentials
 * --pid SERVER_PID`.
 *
 * <p>Phases, one after the other:
 * <ol>
 *   <li>setup: creates --components components to read (not timed);</li>
 *   <li>GetComponent warm-up for --warmup-seconds (JIT; not counted), then GetComponent measured for
 *       --get-seconds: throughput and latency percentiles;</li>
 *   <li>memory: --memory-requests requests (GetComponent of existing and of missing components, the
 *       latter answered 404, and ListComponents), sampling the server's RSS (/proc/PID/status) and,
 *       after a `jcmd PID GC.run`, its heap in use (`jcmd PID GC.heap_info`) every --sample-every
 *       requests;</li>
 *   <li>CreateComponent warm-up (--create-warmup requests), then CreateComponent measured for
 *       --create-seconds, each request a new component (own name, new clientToken).</li>
 * </ol>
 * Every answer must have the expected status (200, or 404 for the missing components); anything
 * else is counted as an error, the first few printed, and makes the exit status 1. Results are
 * printed as `key=value` lines on stdout (the script turns them into docs/benchmarks.md's table);
 * progress goes to stderr. CPU figures come from /proc: the server's and this process's own
 * utime+stime, the machine's interrupt time, and the rest of the machine's busy time ("other").
 *
 * <p>`--get-only true` runs only the GetComponent phases (with made-up ARNs), for the baseline;
 * `--serve PORT` turns this program into that baseline: the JDK's HTTP server answering every
 * request with a canned JSON answer of `--answer-bytes` bytes (see {@link #serve}).
 */
public final class ApiLoad {
    private static final String SERVICE = "imagebuilder";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String DOCUMENT = "name: bench\\nschemaVersion: 1.0\\nphases:\\n  - name: build\\n"
            + "    steps:\\n      - name: Hello\\n        action: ExecuteBash\\n        inputs:\\n"
            + "          commands:\\n            - echo hello\\n";

    // ---- options ------------------------------------------------------------------------------------
    private String endpoint;
    private Path credentials;
    private String region = "us-east-1";
    private long pid = -1;
    private int clients = 32;
    private int components = 100;
    private int warmupSeconds = 15;
    private int getSeconds = 30;
    private int memoryRequests = 100_000;
    private int sampleEvery = 10_000;
    private int createWarmup = 2_000;
    private int createSeconds = 20;

    /** Where the HTTP client runs its callbacks; set by -Dapi-load.executor (direct|default). */
    private static final java.util.concurrent.Executor EXECUTOR = "direct".equals(System.getProperty("api-load.executor",
            "default")) ? Runnable::run : java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "http-callbacks");
                t.setDaemon(true);
                return t;
            });

    private boolean getOnly;
    private int serve = -1;
    private int answerBytes = 1200;

    private String accessKey;
    private String secretKey;
    private String host;
    private HttpClient http;
    private final List<String> arns = new ArrayList<>();
    private final Map<String, String> results = new LinkedHashMap<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger namesUsed = new AtomicInteger();
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    public static void main(String[] args) throws Exception {
        ApiLoad load = new ApiLoad();
        load.parse(args);
        if (load.serve >= 0) {
            load.serve();
            return;
        }
        int status = load.run();
        System.exit(status);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            switch (a) {
                case "--endpoint" -> endpoint = v;
                case "--credentials" -> credentials = Path.of(v);
                case "--region" -> region = v;
                case "--pid" -> pid = Long.parseLong(v);
                case "--clients" -> clients = Integer.parseInt(v);
                case "--components" -> components = Integer.parseInt(v);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(v);
                case "--get-seconds" -> getSeconds = Integer.parseInt(v);
                case "--memory-requests" -> memoryRequests = Integer.parseInt(v);
                case "--sample-every" -> sampleEvery = Integer.parseInt(v);
                case "--create-warmup" -> createWarmup = Integer.parseInt(v);
                case "--create-seconds" -> createSeconds = Integer.parseInt(v);
                case "--get-only" -> getOnly = Boolean.parseBoolean(v);
                case "--serve" -> serve = Integer.parseInt(v);
                case "--answer-bytes" -> answerBytes = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
            i++;
        }
        if (serve >= 0) {
            return;
        }
        if (endpoint == null || credentials == null) {
            throw new IllegalArgumentException("--endpoint and --credentials are required");
        }
    }

    private int run() throws Exception {
        readCredentials();
        URI base = URI.create(endpoint);
        host = base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(EXECUTOR)
                .connectTimeout(Duration.ofSeconds(10)).build();

        if (getOnly) {
            // Against the baseline server, which answers every request alike: ARNs of the same shape.
            for (int i = 0; i < components; i++) {
                arns.add("arn:aws:imagebuilder:" + region + ":123456789012:component/bench-" + i + "/1.0.0/1");
            }
        }
        log("setup: creating %d components to read", getOnly ? 0 : components);
        for (int i = 0; i < components && !getOnly; i++) {
            Answer a = send(createComponent().http());
            expect(a, 200, "CreateComponent (setup)");
            Matcher m = Pattern.compile("\"componentBuildVersionArn\"\\s*:\\s*\"([^\"]+)\"").matcher(a.body);
            if (!m.find()) {
                throw new IllegalStateException("no componentBuildVersionArn in " + a.body);
            }
            arns.add(m.group(1));
        }
        if (errors.get() > 0) {
            return 1;
        }

        log("GetComponent: warm-up for %d s (not counted)", warmupSeconds);
        timed("warmup", warmupSeconds, c -> getComponent());
        log("GetComponent: measuring for %d s with %d clients", getSeconds, clients);
        Phase get = timed("get", getSeconds, c -> getComponent());
        get.report("get_component");
        results.put("get_component_answer_bytes", Integer.toString(send(getComponent().http()).body().getBytes(
                StandardCharsets.UTF_8).length));
        if (getOnly) {
            results.put("errors", Integer.toString(errors.get()));
            results.forEach((k, v) -> System.out.println(k + "=" + v));
            return errors.get() == 0 ? 0 : 1;
        }

        log("memory: %d requests (GetComponent 80%%, GetComponent of a missing component 10%%, ListComponents 10%%),"
                + " sampled every %d", memoryRequests, sampleEvery);
        memory();

        log("CreateComponent: warm-up of %d requests (not counted)", createWarmup);
        counted(createWarmup, c -> createComponent());
        log("CreateComponent: measuring for %d s with %d clients", createSeconds, clients);
        Phase create = timed("create", createSeconds, c -> createComponent());
        create.report("create_component");
        results.put("components_after", Integer.toString(namesUsed.get()));

        log("ListComponents after the creates: %d sequential requests", 20);
        long[] listLatencies = new long[20];
        for (int i = 0; i < listLatencies.length; i++) {
            long t0 = System.nanoTime();
            Answer a = send(listComponents().http());
            listLatencies[i] = System.nanoTime() - t0;
            expect(a, 200, "ListComponents");
        }
        Arrays.sort(listLatencies);
        results.put("list_after_creates_p50_ms", ms(listLatencies[listLatencies.length / 2]));

        results.put("errors", Integer.toString(errors.get()));
        results.forEach((k, v) -> System.out.println(k + "=" + v));
        return errors.get() == 0 ? 0 : 1;
    }

    // ---- the baseline ---------------------------------------------------------------------------------

    /**
     * The plain tool doing the same HTTP work, for comparison: the JDK's own HTTP server
     * (com.sun.net.httpserver) answering every request, once its body is read, with 200 and a canned
     * JSON answer of --answer-bytes bytes, as GetComponent answers, and an x-amzn-RequestId. No
     * signature check, no routing, no database. Runs until killed; prints its endpoint on stderr.
     */
    private void serve() throws IOException {
        // Without TCP_NODELAY the JDK server's separate writes of headers and body meet the client's
        // delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        StringBuilder json = new StringBuilder("{\"requestId\":\"00000000-0000-0000-0000-000000000000\","
                + "\"component\":{\"description\":\"");
        while (json.length() < answerBytes - 3) {
            json.append('x');
        }
        byte[] answer = json.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", serve), 128);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(clients));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        log("baseline serves at http://127.0.0.1:%d", server.getAddress().getPort());
    }

    // ---- phases -------------------------------------------------------------------------------------

    /** A request and the status its answer must have. */
    record Req(HttpRequest http, int status) {
    }

    interface RequestFactory {
        Req next(int client);
    }

    /** Latencies and CPU of one phase. */
    final class Phase {
        final long[] latencies;
        final long wallNanos;
        final double serverCpuSeconds;
        final double loadCpuSeconds;
        final double machineCpuSeconds;
        final double interruptCpuSeconds;

        Phase(long[] latencies, long wallNanos, double serverCpuSeconds, double loadCpuSeconds,
              double machineCpuSeconds, double interruptCpuSeconds) {
            this.interruptCpuSeconds = interruptCpuSeconds;
            this.latencies = latencies;
            this.wallNanos = wallNanos;
            this.serverCpuSeconds = serverCpuSeconds;
            this.loadCpuSeconds = loadCpuSeconds;
            this.machineCpuSeconds = machineCpuSeconds;
        }

        void report(String key) {
            Arrays.sort(latencies);
            double seconds = wallNanos / 1e9;
            results.put(key + "_requests", Integer.toString(latencies.length));
            results.put(key + "_seconds", String.format(Locale.ROOT, "%.1f", seconds));
            results.put(key + "_rps", String.format(Locale.ROOT, "%.0f", latencies.length / seconds));
            results.put(key + "_p50_ms", ms(percentile(latencies, 50)));
            results.put(key + "_p90_ms", ms(percentile(latencies, 90)));
            results.put(key + "_p99_ms", ms(percentile(latencies, 99)));
            results.put(key + "_p999_ms", ms(percentile(latencies, 99.9)));
            results.put(key + "_max_ms", ms(latencies[latencies.length - 1]));
            results.put(key + "_server_cpu", String.format(Locale.ROOT, "%.2f", serverCpuSeconds / seconds));
            results.put(key + "_load_cpu", String.format(Locale.ROOT, "%.2f", loadCpuSeconds / seconds));
            double other = Math.max(0, machineCpuSeconds - serverCpuSeconds - loadCpuSeconds);
            results.put(key + "_other_cpu", String.format(Locale.ROOT, "%.2f", other / seconds));
            results.put(key + "_irq_cpu", String.format(Locale.ROOT, "%.2f", interruptCpuSeconds / seconds));
            log("  %s: %d requests in %.1f s = %.0f/s; p50 %s ms, p99 %s ms, max %s ms; CPU (cores): server %.2f,"
                    + " load generator %.2f, kernel interrupts %.2f, other processes %.2f", key, latencies.length,
                    seconds, latencies.length / seconds, ms(percentile(latencies, 50)), ms(percentile(latencies, 99)),
                    ms(latencies[latencies.length - 1]), serverCpuSeconds / seconds, loadCpuSeconds / seconds,
                    interruptCpuSeconds / seconds, other / seconds);
        }
    }

    /** Runs every client until the deadline. */
    private Phase timed(String name, int seconds, RequestFactory factory) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        return drive(name, () -> System.nanoTime() < deadline, factory);
    }

    private void counted(int requests, RequestFactory factory) throws Exception {
        AtomicInteger left = new AtomicInteger(requests);
        drive("counted", () -> left.getAndDecrement() > 0, factory);
    }

    interface Gate {
        boolean more();
    }

    private Phase drive(String name, Gate gate, RequestFactory factory) throws Exception {
        long[][] perClient = new long[clients][];
        int[] counts = new int[clients];
        CountDownLatch done = new CountDownLatch(clients);
        double server0 = cpuSeconds(pid);
        double self0 = cpuSeconds(ProcessHandle.current().pid());
        double[] machine0 = machineCpuSeconds();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long[] lat = new long[4096];
                int n = 0;
                try {
                    while (gate.more()) {
                        Req request = factory.next(client);
                        long s = System.nanoTime();
                        Answer a = send(request.http());
                        long d = System.nanoTime() - s;
                        expect(a, request.status(), name);
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = d;
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    log("client %d failed: %s", client, e);
                } finally {
                    perClient[client] = lat;
                    counts[client] = n;
                    done.countDown();
                }
            }, name + "-" + c);
            t.start();
        }
        done.await();
        long wall = System.nanoTime() - t0;
        double server = cpuSeconds(pid) - server0;
        double self = cpuSeconds(ProcessHandle.current().pid()) - self0;
        double[] machine1 = machineCpuSeconds();
        double machine = machine1[0] - machine0[0];
        double interrupts = machine1[1] - machine0[1];
        int total = 0;
        for (int n : counts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        return new Phase(all, wall, server, self, machine, interrupts);
    }

    private void memory() throws Exception {
        AtomicLong sent = new AtomicLong();
        List<String> samples = new ArrayList<>();
        samples.add(sample(0));
        Map<Long, Boolean> sampled = new ConcurrentHashMap<>();
        Object sampleLock = new Object();
        long t0 = System.nanoTime();
        Phase phase = drive("memory", () -> {
            long n = sent.incrementAndGet();
            if (n > memoryRequests) {
                return false;
            }
            if (n % sampleEvery == 0 && sampled.putIfAbsent(n, true) == null) {
                // Taken by the client that reached the mark, between two of its requests, while the
                // others keep sending.
                synchronized (sampleLock) {
                    samples.add(sample(n));
                }
            }
            return true;
        }, c -> {
            int kind = java.util.concurrent.ThreadLocalRandom.current().nextInt(10);
            if (kind == 0) {
                return listComponents();
            }
            if (kind == 1) {
                return missingComponent();
            }
            return getComponent();
        });
        long wall = System.nanoTime() - t0;
        results.put("memory_requests", Long.toString(phase.latencies.length));
        results.put("memory_rps", String.format(Locale.ROOT, "%.0f", phase.latencies.length / (wall / 1e9)));
        Arrays.sort(phase.latencies);
        results.put("memory_p99_ms", ms(percentile(phase.latencies, 99)));
        samples.sort(java.util.Comparator.comparingLong(line -> Long.parseLong(line.split(" ")[0])));
        for (int i = 0; i < samples.size(); i++) {
            results.put("memory_sample_" + i, samples.get(i));
        }
    }

    /**
     * "requests rssKiB liveHeapKiB heapCommittedKiB threads" for the server at this point. The live
     * heap is the total of `jcmd PID GC.class_histogram`, which runs a full collection first and then
     * counts what survived it: the heap in use right after a full GC.
     */
    private String sample(long requests) {
        if (pid <= 0) {
            return requests + " - - - -";
        }
        try {
            String live = "-";
            String histogram = jcmd("GC.class_histogram");
            if (histogram != null) {
                Matcher m = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)").matcher(histogram);
                if (m.find()) {
                    live = Long.toString(Long.parseLong(m.group(2)) / 1024);
                }
            }
            String committed = "-";
            String info = jcmd("GC.heap_info");
            if (info != null) {
                long total = 0;
                boolean any = false;
                Matcher m = Pattern.compile("(?m)^\\s*(\\S[^\\n]*?)\\s+total (\\d+)K, used (\\d+)K").matcher(info);
                while (m.find()) {
                    if (!m.group(1).contains("Metaspace") && !m.group(1).contains("class space")) {
                        total += Long.parseLong(m.group(2));
                        any = true;
                    }
                }
                committed = any ? Long.toString(total) : "-";
            }
            String status = Files.readString(Path.of("/proc/" + pid + "/status"));
            String rss = field(status, "VmRSS");
            String threads = field(status, "Threads");
            log("  sample after %,d requests: RSS %s KiB, live heap after full GC %s KiB (heap committed %s KiB),"
                    + " %s threads", requests, rss, live, committed, threads);
            return requests + " " + rss + " " + live + " " + committed + " " + threads;
        } catch (IOException | InterruptedException e) {
            log("  sample after %d requests failed: %s", requests, e);
            return requests + " - - - -";
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }

    private static String field(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
        return m.find() ? m.group(1) : "-";
    }

    /**
     * CPU time spent by the whole machine (all CPUs) in seconds: {busy but interrupts, interrupts}.
     * Busy is every state of /proc/stat's cpu line but idle and iowait; interrupts (irq and softirq) are
     * kept apart because they are mostly the kernel's loopback TCP work for these very requests,
     * which Linux charges to no process.
     */
    private static double[] machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5 && i != 6 && i != 7) {
                    busy += Long.parseLong(f[i]);
                }
            }
            long interrupts = Long.parseLong(f[6]) + Long.parseLong(f[7]);
            return new double[] {busy / 100.0, interrupts / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }

    /** utime + stime of a process, in seconds (clock ticks of 1/100 s on Linux). */
    private static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // ---- requests -----------------------------------------------------------------------------------

    private Req getComponent() {
        String arn = arns.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(arns.size()));
        return new Req(signed("GET", "/GetComponent", "componentBuildVersionArn=" + encode(arn), null), 200);
    }

    /** A build that does not exist: answered 404 ResourceNotFoundException. */
    private Req missingComponent() {
        String arn = arns.get(0).replaceAll("/[0-9]+$", "/999999");
        return new Req(signed("GET", "/GetComponent", "componentBuildVersionArn=" + encode(arn), null), 404);
    }

    private Req listComponents() {
        return new Req(signed("POST", "/ListComponents", "", "{\"maxResults\":25}"), 200);
    }

    private Req createComponent() {
        int n = namesUsed.incrementAndGet();
        String body = "{\"name\":\"bench-" + runId + "-" + n + "\",\"semanticVersion\":\"1.0." + (n % 7) + "\","
                + "\"platform\":\"Linux\",\"description\":\"load benchmark component " + n + "\","
                + "\"data\":\"" + DOCUMENT + "\",\"clientToken\":\"" + UUID.randomUUID() + "\"}";
        return new Req(signed("PUT", "/CreateComponent", "", body), 200);
    }

    record Answer(int status, String body) {
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    private void expect(Answer a, int status, String what) {
        if (a.status != status) {
            if (errors.incrementAndGet() <= 5) {
                log("unexpected answer to %s: %d %s", what, a.status, a.body);
            }
        }
    }

    // ---- SigV4 --------------------------------------------------------------------------------------

    private void readCredentials() throws IOException {
        for (String line : Files.readAllLines(credentials)) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2) {
                switch (kv[0].strip()) {
                    case "aws_access_key_id" -> accessKey = kv[1].strip();
                    case "aws_secret_access_key" -> secretKey = kv[1].strip();
                    default -> { }
                }
            }
        }
        if (accessKey == null || secretKey == null) {
            throw new IllegalStateException("no access key in " + credentials);
        }
    }

    /** Signing keys by date (yyyyMMdd): one HMAC chain a day. */
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    private HttpRequest signed(String method, String path, String rawQuery, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String amzDate = AMZ_DATE.format(Instant.now());
        String day = amzDate.substring(0, 8);
        String scope = day + "/" + region + "/" + SERVICE + "/aws4_request";
        boolean hasBody = body != null;
        String signedHeaders = hasBody ? "content-type;host;x-amz-date" : "host;x-amz-date";
        String canonicalHeaders = (hasBody ? "content-type:application/json\n" : "") + "host:" + host + "\n"
                + "x-amz-date:" + amzDate + "\n";
        String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery(rawQuery) + "\n" + canonicalHeaders
                + "\n" + signedHeaders + "\n" + hex(sha256(payload));
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKeys.computeIfAbsent(day, d -> {
            byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), d);
            k = hmac(k, region);
            k = hmac(k, SERVICE);
            return hmac(k, "aws4_request");
        });
        String signature = hex(hmac(key, stringToSign));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path + (rawQuery.isEmpty() ? "" : "?"
                        + rawQuery)))
                .timeout(Duration.ofSeconds(30))
                .header("X-Amz-Date", amzDate)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
        if (hasBody) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, hasBody ? HttpRequest.BodyPublishers.ofByteArray(payload)
                : HttpRequest.BodyPublishers.noBody()).build();
    }

    /** The query as sent is already encoded with the SigV4 rules, one parameter: it is its own canonical form. */
    private static String canonicalQuery(String rawQuery) {
        return rawQuery;
    }

    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // ---- figures ------------------------------------------------------------------------------------

    private static long percentile(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static void log(String format, Object... args) {
        System.err.println("api-load: " + String.format(Locale.ROOT, format, args));
    }
}
