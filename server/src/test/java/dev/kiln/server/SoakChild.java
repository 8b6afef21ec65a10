package dev.kiln.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.store.AccessKey;
import dev.kiln.core.store.Account;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.imagebuilder.ImagebuilderClient;
import software.amazon.awssdk.services.imagebuilder.model.Platform;

/**
 * The process {@link LifecycleSoakIT} starts and stops with SIGTERM: Kiln assembled as {@code kiln server}
 * assembles it (with the HTTP edge, or without it), and threads writing accounts, keys and components as
 * fast as they can. Each write is acknowledged on stdout once it returned, i.e. was committed:
 * {@code A <account id>}, {@code K <access key id>}, {@code C <component ARN>}.
 *
 * <p>Arguments: {@code kiln|server BUILDS DATA-DIR JDBC-URL|-}; with builds (BUILDS > 0) the machines, the
 * build queue and the pipeline scheduler run too, which take a few seconds more to start.
 */
final class SoakChild {
    static final String DOCUMENT = """
            name: Soak
            schemaVersion: 1.0
            phases:
              - name: build
                steps:
                  - name: Nothing
                    action: ExecuteBash
                    inputs:
                      commands: ["true"]
            """;
    private static final AtomicLong NAMES = new AtomicLong();
    private static final List<Thread> WRITERS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static volatile boolean stopping;

    private SoakChild() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        System.err.println("soak: main after " + (System.currentTimeMillis() - jvmStart) + " ms");
        boolean http = args[0].equals("server");
        int builds = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        String dbUrl = args[3].equals("-") ? null : args[3];
        ServerConfig config = new ServerConfig("127.0.0.1", 0, data, List.of(KilnTestServer.EAST), dbUrl, null, null,
                Clock.systemUTC(), builds, null, null, Map.of(), null);
        Kiln kiln;
        KilnServer server = null;
        if (http) {
            server = KilnServer.start(config).closeOnShutdown();
            kiln = server.kiln();
        } else {
            kiln = Kiln.open(config);
        }
        say("START " + (kiln.firstStart().created() ? "first" : "again"));
        System.err.println("soak: started after " + (System.currentTimeMillis() - jvmStart) + " ms");
        // The writers stop first, as the HTTP edge does: what they started finishes, nothing starts after.
        kiln.add("soak writers", Duration.ofSeconds(10), () -> {
            synchronized (WRITERS) {
                stopping = true;
            }
            for (Thread t : WRITERS) {
                t.join();
            }
        });
        String run = Long.toHexString(System.nanoTime());
        writer(() -> {
            Account a = kiln.database().accounts().createAccount("soak");
            say("A " + a.id());
            AccessKey k = kiln.database().accounts().createKey(a.id());
            say("K " + k.accessKeyId());
        });
        if (server != null) {
            KilnServer started = server;
            ImagebuilderClient[] api = new ImagebuilderClient[1];
            writer(() -> {
                if (api[0] == null) {
                    api[0] = KilnTestServer.imageBuilder(started, KilnTestServer.EAST);
                }
                say("C " + api[0].createComponent(r -> r.name(name(run)).semanticVersion("1.0.0")
                        .platform(Platform.LINUX).data(DOCUMENT)).componentBuildVersionArn());
            });
        } else {
            CallContext[] ctx = new CallContext[1];
            writer(() -> {
                if (ctx[0] == null) {
                    ctx[0] = new CallContext(kiln.defaultAccount(data), KilnTestServer.EAST, "soak");
                }
                ObjectNode in = JsonNodeFactory.instance.objectNode().put("name", name(run))
                        .put("semanticVersion", "1.0.0").put("platform", "Linux").put("data", DOCUMENT);
                say("C " + kiln.service().call(ctx[0], "CreateComponent", in).path("componentBuildVersionArn")
                        .asText());
            });
        }
        say("READY");
        kiln.awaitClosed();
    }

    private static String name(String run) {
        return "soak-" + run + "-" + NAMES.incrementAndGet();
    }

    /**
     * Writes in a loop until the process stops; a write that fails is not acknowledged. Not started once
     * the stop began: the writers' close waits for every writer started.
     */
    private static void writer(ThrowingWrite write) {
        Thread t = new Thread(() -> {
            while (!stopping) {
                try {
                    write.run();
                } catch (Exception e) {
                    pause(20);
                }
                pause(1);
            }
        }, "soak-writer");
        t.setDaemon(true);
        synchronized (WRITERS) {
            if (!stopping) {
                WRITERS.add(t);
                t.start();
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingWrite {
        void run() throws Exception;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
