package dev.kiln.core.build;

import dev.kiln.common.files.Trees;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.image.BuildIntent;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.machine.InstanceBackend;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The build worker: runs started images, at most {@code concurrency} at a time, the rest waiting in the
 * order they were started. A cancel interrupts the build's thread; the orchestrator cleans up. At
 * start it repairs what a stopped Kiln left: images that were being built end FAILED (their instances
 * are swept), images still waiting are queued again, each with the {@link BuildIntent} its record implies
 * (a start's intent is otherwise given with the start, not stored).
 */
public final class BuildQueue implements ImageBuildEvents, AutoCloseable {
    private final ResourceStore store;
    private final BuildOrchestrator orchestrator;
    private final BuildEnvironment env;
    private final ExecutorService workers;
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    public BuildQueue(ResourceStore store, BuildEnvironment env, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        this.store = store;
        this.env = env;
        this.orchestrator = new BuildOrchestrator(store, env);
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "build-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Repairs what a stopped Kiln left and queues the images still waiting. @return images re-queued */
    public int recover() {
        BuildLog sweepLog = BuildLog.discarding(env.clock());
        for (InstanceBackend backend : env.backends()) {
            backend.sweepOrphans(sweepLog);
        }
        if (env.containers() != null) {
            env.containers().sweepOrphans(sweepLog);
        }
        int queued = 0;
        for (StoredResource image : store.listOfType(ImageBuilds.TYPE)) {
            ImageStatus status = ImageRecord.of(image).status();
            if (status == ImageStatus.PENDING) {
                submit(image.arn(), BuildIntent.of(ImageRecord.of(image)));
                queued++;
            } else if (status.inProgress()) {
                markInterrupted(image, status);
            }
        }
        return queued;
    }

    private void markInterrupted(StoredResource image, ImageStatus status) {
        store.modify(image.arn(), body -> {
            ImageRecord.of(body).setState(ImageStatus.FAILED, "Kiln stopped while this image was " + status
                    + "; its instances were removed when Kiln started again. Start the build again.");
            return body;
        });
        Trees.deleteQuietly(BuildFolders.of(env.buildsFolder(), image.arn()).resolve("instances"));
        Trees.deleteQuietly(BuildFolders.of(env.buildsFolder(), image.arn()).resolve("capture"));
        appendToLog(image.arn(), "FAILED: Kiln stopped while this image was " + status);
    }

    private void appendToLog(String arn, String line) {
        Path log = BuildFolders.log(env.buildsFolder(), arn);
        if (Files.exists(log)) {
            try (BuildLog l = BuildLog.append(log, env.clock())) {
                l.info(line);
            } catch (IOException e) {
                // The state says it; the log line is a courtesy.
            }
        }
    }

    @Override
    public void started(StoredResource image, BuildIntent intent) {
        submit(image.arn(), intent);
    }

    @Override
    public void cancelled(StoredResource image) {
        Thread t = running.get(image.arn());
        if (t != null) {
            t.interrupt();
        }
        // A queued image sees CANCELLED when its turn comes and is skipped.
    }

    private void submit(String arn, BuildIntent intent) {
        workers.execute(() -> {
            running.put(arn, Thread.currentThread());
            try {
                orchestrator.build(arn, intent, null, null);
            } finally {
                running.remove(arn);
                Thread.interrupted();
            }
        });
    }

    /** A deleted image's kept build instance (terminateInstanceOnFailure: false) is terminated. */
    @Override
    public void deleted(StoredResource image) {
        orchestrator.releaseKept(image.arn());
    }

    /** The images being built now, for the log of a stop that does not finish in time. */
    public java.util.List<String> running() {
        return java.util.List.copyOf(running.keySet());
    }

    /** Stops every build (their images end FAILED, instances closed) and waits a bounded time. */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        orchestrator.close();
    }
}
