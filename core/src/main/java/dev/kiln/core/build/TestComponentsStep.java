package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.toe.target.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the components' test phases on a test instance or in a test container, bounded by the image's
 * test timeout ({@code imageTestsConfiguration.timeoutMinutes}): when it passes, the build thread is
 * interrupted, which stops the running step, and the build fails saying so.
 */
final class TestComponentsStep implements AutoCloseable {
    private static final List<String> TEST_PHASES = List.of("test");

    private final RunComponentsStep components;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "build-timeouts");
        t.setDaemon(true);
        return t;
    });

    TestComponentsStep(RunComponentsStep components) {
        this.components = components;
    }

    void run(BuildPlan plan, Target target, Path folder, BuildLog log) throws IOException, InterruptedException {
        Thread self = Thread.currentThread();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = timers.schedule(() -> {
            timedOut.set(true);
            self.interrupt();
        }, plan.tests().timeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            components.run(plan, target, TEST_PHASES, folder.resolve("components-test"), log);
        } catch (InterruptedException e) {
            if (timedOut.get()) {
                throw new BuildFailure("the tests did not finish within " + plan.tests().timeout().toMinutes()
                        + " minute(s) (imageTestsConfiguration.timeoutMinutes)");
            }
            throw e;
        } finally {
            timer.cancel(false);
            if (timedOut.get()) {
                Thread.interrupted();
            }
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
