package dev.kiln.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.LeaseStore;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs image pipelines on their schedules. Each pass ({@link #runDue(Instant)}) looks at every pipeline:
 *
 * <ul>
 *   <li>It first reconciles {@code consecutiveFailures} and {@code lastRunStatus} from the pipeline's images
 *       (FAILED images since the last AVAILABLE one, in-progress and CANCELLED ones not counted), and sets
 *       the pipeline DISABLED when the count went up to {@code schedule.autoDisablePolicy.failureCount}.
 *       Reading the images' states on each pass, rather than being told when a build ends, needs no hook in
 *       the build worker and survives a crash: nothing is lost between a build's end and the count.</li>
 *   <li>An ENABLED pipeline whose schedule matched after its last check ({@value #LAST_CHECK} in the
 *       stored body, else its last create or update) runs once, however many matches passed while Kiln was
 *       down, as StartImagePipelineExecution would, with buildType SCHEDULED. The run is skipped while an
 *       execution is in progress, and, under EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE, when no
 *       component or parent image resolves to another version than in the last AVAILABLE build (see
 *       {@link Dependencies}). A skip is logged and stored as {@value #LAST_SKIP}
 *       {@code {"date", "match", "reason"}} on the pipeline.</li>
 * </ul>
 *
 * <p>The members this class stores are not in the Image Builder model, so the HTTP edge never shows them.
 * Each write changes only them, as one step of the store ({@link ResourceStore#modify}), so that a
 * concurrent UpdateImagePipeline is never lost.
 *
 * <p>Several servers may share one database: a pass runs only on the one holding the scheduler's lease
 * ({@value #LEASE}), which it renews on each pass; when that server stops (or dies), another takes the
 * lease over within {@link #LEASE_TTL} and runs what was missed meanwhile, once.
 *
 * <p>{@link #start()} runs passes on a daemon thread: a full pass (which reads the images) at the next due
 * match and at least every 30 seconds; in between, every second, it looks at the pipelines alone, so that
 * the first match of a pipeline created or changed meanwhile is on time. Tests call
 * {@link #runDue(Instant)} directly with a fake clock.
 */
public final class PipelineScheduler implements AutoCloseable {
    public static final String LAST_CHECK = "kilnLastScheduleCheck";
    public static final String LAST_SKIP = "kilnLastSkip";
    /** How often a full pass runs (reconciling failures) when nothing is due. */
    static final Duration MAX_SLEEP = Duration.ofSeconds(30);
    /** How often the thread looks at the pipelines alone, so that a new or changed schedule's first match is on time. */
    static final Duration LOOK = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(PipelineScheduler.class);
    private static final String MATCH_ONLY = "EXPRESSION_MATCH_ONLY";
    static final String LEASE = "pipeline-scheduler";
    /** Three full passes: a holder that missed two is taken over. */
    static final Duration LEASE_TTL = MAX_SLEEP.multipliedBy(3);

    /** What one pass did about one pipeline's due match: started an image, or skipped it and why. */
    public record Outcome(String pipelineArn, Instant match, String imageArn, String skipReason) {
        public boolean started() {
            return imageArn != null;
        }
    }

    private final ResourceStore store;
    private final ImageBuilds builds;
    private final PipelineOperations pipelines;
    private final Clock clock;
    private final LeaseStore leases;
    private final String holder = "scheduler-" + UUID.randomUUID();
    private volatile boolean leaseHeld = true;
    private final Object wake = new Object();
    private volatile boolean closed;
    private volatile Instant nextDue;
    private Thread thread;

    /** A scheduler alone on its store (no lease is taken). */
    public PipelineScheduler(ResourceStore store, Clock clock, ImageBuildEvents events) {
        this(store, null, clock, events);
    }

    /**
     * @param leases where the scheduler's lease is held, when other servers may share the store; null when
     *               none does
     * @param events the build worker, told of each started image (as the API's StartImagePipelineExecution)
     */
    public PipelineScheduler(ResourceStore store, LeaseStore leases, Clock clock, ImageBuildEvents events) {
        this.store = store;
        this.leases = leases;
        this.clock = clock;
        this.builds = new ImageBuilds(store, clock, events);
        this.pipelines = new PipelineOperations(store, builds, clock);
    }

    /** Runs the passes on a daemon thread until {@link #close()}. */
    public synchronized void start() {
        if (thread != null || closed) {
            throw new IllegalStateException("the pipeline scheduler was already started or closed");
        }
        thread = new Thread(this::loop, "pipeline-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Instant lastPass = null;
        while (!closed) {
            Instant now = clock.instant();
            try {
                if (lastPass == null || !now.isBefore(lastPass.plus(MAX_SLEEP)) || anyDue(now)) {
                    runDue(now);
                    lastPass = now;
                }
            } catch (RuntimeException e) {
                LOG.warn("the pipeline scheduler's pass failed; it tries again shortly", e);
                lastPass = now;
            }
            now = clock.instant();
            Instant until = now.plus(LOOK);
            Instant due = nextDue;
            if (due != null && due.isBefore(until)) {
                until = due.plusMillis(20); // Object.wait may wake a little early
            }
            long millis = Math.max(1, Duration.between(now, until).toMillis());
            synchronized (wake) {
                if (closed) {
                    return;
                }
                try {
                    wake.wait(millis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Whether a pipeline is due, from the pipelines alone (a look cheap enough to take every second);
     * notes the soonest match, so that the thread wakes for a new pipeline's first match on time.
     */
    private boolean anyDue(Instant now) {
        Instant soonest = null;
        for (StoredResource pipeline : store.listOfType(PipelineOperations.TYPE)) {
            Optional<Instant> due;
            try {
                due = dueAt(pipeline);
            } catch (RuntimeException e) {
                continue; // the full pass, every 30 s, logs what is wrong with it
            }
            if (due.isPresent() && !due.get().isAfter(now)) {
                return true;
            }
            if (due.isPresent() && (soonest == null || due.get().isBefore(soonest))) {
                soonest = due.get();
            }
        }
        nextDue = soonest;
        return false;
    }

    /** An ENABLED pipeline's first schedule match after its last check. */
    private static Optional<Instant> dueAt(StoredResource pipeline) {
        if (!pipeline.body().path("status").asText().equals("ENABLED")) {
            return Optional.empty();
        }
        return Schedule.of(pipeline.body().get("schedule"), PipelineOperations.scheduleSetAt(pipeline))
                .flatMap(s -> s.next(lastCheck(pipeline)));
    }

    /** One pass at the clock's time. */
    public List<Outcome> runDue() {
        return runDue(clock.instant());
    }

    /**
     * One pass: reconciles every pipeline's failures and runs (or skips) each one due at {@code now};
     * nothing while another server holds the scheduler's lease.
     */
    public List<Outcome> runDue(Instant now) {
        if (!holdsLease(now)) {
            return List.of();
        }
        List<Outcome> outcomes = new ArrayList<>();
        Instant soonest = null;
        for (StoredResource pipeline : store.listOfType(PipelineOperations.TYPE)) {
            try {
                Optional<Instant> next = pass(pipeline, now, outcomes);
                if (next.isPresent() && (soonest == null || next.get().isBefore(soonest))) {
                    soonest = next.get();
                }
            } catch (RuntimeException e) {
                LOG.warn("the pipeline scheduler could not look at {}: {}", pipeline.arn(), e.toString());
            }
        }
        nextDue = soonest;
        return outcomes;
    }

    /** Takes or renews the lease; says in the log when this server starts or stops running the schedules. */
    private boolean holdsLease(Instant now) {
        if (leases == null) {
            return true;
        }
        boolean held = leases.acquire(LEASE, holder, now, LEASE_TTL);
        if (held != leaseHeld) {
            LOG.info(held ? "this server runs the pipeline schedules now ({})"
                    : "another server sharing the database runs the pipeline schedules; this one ({}) waits", holder);
            leaseHeld = held;
        }
        if (!held) {
            nextDue = null;
        }
        return held;
    }

    /** When the last pass found the soonest next match of any pipeline; empty when none is scheduled. */
    Optional<Instant> nextDue() {
        return Optional.ofNullable(nextDue);
    }

    /** @return when this pipeline is due next, if it is scheduled */
    private Optional<Instant> pass(StoredResource pipeline, Instant now, List<Outcome> outcomes) {
        CallContext ctx = new CallContext(pipeline.accountId(), pipeline.region(), "scheduler");
        List<StoredResource> images = builds.ofPipeline(ctx, pipeline.arn());
        pipeline = reconcile(pipeline, images);
        Optional<Instant> match = dueAt(pipeline);
        if (match.isEmpty() || match.get().isAfter(now)) {
            return match;
        }
        Outcome outcome = runOrSkip(ctx, pipeline, images, match.get());
        outcomes.add(outcome);
        store.modify(pipeline.arn(), body -> {
            body.put(LAST_CHECK, Json.date(now));
            if (!outcome.started()) {
                body.putObject(LAST_SKIP).put("date", Json.date(now)).put("match", Json.date(outcome.match()))
                        .put("reason", outcome.skipReason());
            }
            return body;
        });
        return Schedule.of(pipeline.body().get("schedule"), PipelineOperations.scheduleSetAt(pipeline))
                .flatMap(s -> s.next(now));
    }

    private Outcome runOrSkip(CallContext ctx, StoredResource pipeline, List<StoredResource> images, Instant match) {
        String reason = null;
        for (StoredResource image : images) {
            if (ImageRecord.of(image).status().inProgress()) {
                reason = "an execution is in progress: image " + image.arn() + " is " + ImageRecord.of(image).status();
                break;
            }
        }
        String condition = pipeline.body().path("schedule").path("pipelineExecutionStartCondition")
                .asText(PipelineOperations.DEFAULT_START_CONDITION);
        if (reason == null && !condition.equals(MATCH_ONLY)) {
            reason = noDependencyUpdate(ctx, pipeline, images);
        }
        if (reason == null) {
            try {
                StoredResource image = pipelines.run(ctx, pipeline, null, ImageBuilds.SCHEDULED);
                LOG.info("pipeline {} started {} for its schedule match at {}", pipeline.arn(), image.arn(), match);
                return new Outcome(pipeline.arn(), match, image.arn(), null);
            } catch (ApiException e) {
                reason = "the execution could not start: " + e.getMessage();
            }
        }
        LOG.info("pipeline {} skipped its schedule match at {}: {}", pipeline.arn(), match, reason);
        return new Outcome(pipeline.arn(), match, null, reason);
    }

    /** Why the dependency condition holds the run back, or null when a dependency changed. */
    private String noDependencyUpdate(CallContext ctx, StoredResource pipeline, List<StoredResource> images) {
        StoredResource lastGood = images.stream()
                .filter(i -> ImageRecord.of(i).status() == ImageStatus.AVAILABLE)
                .findFirst().orElse(null);
        Optional<JsonNode> resolved = lastGood == null ? Optional.empty()
                : ImageRecord.of(lastGood).resolvedDependencies();
        if (resolved.isEmpty()) {
            return null;
        }
        JsonNode recipe;
        try {
            recipe = builds.inputs(ctx, pipeline.body()).recipe().body();
        } catch (ApiException e) {
            return null; // the run fails and says why
        }
        JsonNode now = Dependencies.current(store, ctx, recipe);
        if (!now.equals(resolved.get())) {
            return null;
        }
        return "no dependency update: the components and parent image resolve to the same versions as in the"
                + " last successful build " + lastGood.arn() + " (start condition"
                + " EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE; EXPRESSION_MATCH_ONLY runs at every match)";
    }

    /**
     * Stores the pipeline's consecutiveFailures and lastRunStatus as its images say, and disables it when
     * the failures went up to its autoDisablePolicy's count. @return the pipeline as stored now
     */
    private StoredResource reconcile(StoredResource pipeline, List<StoredResource> imagesNewestFirst) {
        if (imagesNewestFirst.isEmpty()) {
            return pipeline;
        }
        int failures = 0;
        for (StoredResource image : imagesNewestFirst) {
            ImageStatus status = ImageRecord.of(image).status();
            if (status == ImageStatus.AVAILABLE) {
                break;
            }
            if (status == ImageStatus.FAILED) {
                failures++;
            }
        }
        JsonNode body = pipeline.body();
        int before = body.path("consecutiveFailures").asInt(0);
        String lastRunStatus = ImageRecord.of(imagesNewestFirst.get(0)).status().name();
        int limit = body.path("schedule").path("autoDisablePolicy").path("failureCount").asInt(0);
        boolean disable = limit > 0 && failures > before && failures >= limit
                && body.path("status").asText().equals("ENABLED");
        if (failures == before && lastRunStatus.equals(body.path("lastRunStatus").asText()) && !disable) {
            return pipeline;
        }
        int counted = failures;
        boolean[] disabled = {false};
        StoredResource result = store.modify(pipeline.arn(), updated -> {
            updated.put("consecutiveFailures", counted);
            updated.put("lastRunStatus", lastRunStatus);
            // Enabled still, as stored now: an UpdateImagePipeline meanwhile has the last word.
            if (disable && updated.path("status").asText().equals("ENABLED")) {
                updated.put("status", "DISABLED");
                disabled[0] = true;
            }
            return updated;
        }).orElse(pipeline);
        if (disabled[0]) {
            LOG.warn("pipeline {} is now DISABLED: its last {} executions failed (autoDisablePolicy.failureCount {})",
                    pipeline.arn(), failures, limit);
        }
        return result;
    }

    private static Instant lastCheck(StoredResource pipeline) {
        String text = pipeline.body().path(LAST_CHECK).asText(null);
        if (text != null) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                // fall back to when the schedule was set
            }
        }
        return PipelineOperations.scheduleSetAt(pipeline);
    }

    /** Stops the thread (a pass in progress finishes its current pipeline's write) within a bounded time. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leases != null) {
            try {
                leases.release(LEASE, holder);
            } catch (RuntimeException e) {
                LOG.warn("could not release the pipeline scheduler's lease; another server takes it over when it"
                        + " expires: {}", e.toString());
            }
        }
    }
}
