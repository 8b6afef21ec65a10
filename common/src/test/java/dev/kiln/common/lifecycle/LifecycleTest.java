package dev.kiln.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final Lifecycle lifecycle = new Lifecycle("test", log::add);

    @Test
    void closesTheLastOpenedFirstAndTheFirstOpenedLast() {
        lifecycle.add("database", Duration.ofSeconds(1), () -> closed.add("database"));
        lifecycle.add("builds", Duration.ofSeconds(1), () -> closed.add("builds"));
        lifecycle.add("http", Duration.ofSeconds(1), () -> closed.add("http"));
        assertThat(lifecycle.resources()).containsExactly("database", "builds", "http");

        lifecycle.close();

        assertThat(closed).containsExactly("http", "builds", "database");
        assertThat(lifecycle.resources()).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void aFailingCloseIsLoggedAndTheRestStillClosed() {
        lifecycle.add("database", Duration.ofSeconds(1), () -> closed.add("database"));
        lifecycle.add("builds", Duration.ofSeconds(1), () -> {
            throw new IllegalStateException("worker stuck");
        });

        lifecycle.close();

        assertThat(closed).containsExactly("database");
        assertThat(log).containsExactly("test: closing builds failed: worker stuck");
    }

    @Test
    void aCloseOverItsBoundIsInterruptedLoggedWithWhatIsInFlightAndTheNextOneStillClosed() {
        lifecycle.add("database", Duration.ofSeconds(1), () -> closed.add("database"));
        lifecycle.add("builds", Duration.ofMillis(100), () -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                closed.add("builds interrupted");
            }
        }, () -> List.of("building image/a/1.0.0/1"));

        long start = System.nanoTime();
        lifecycle.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(closed).containsExactly("builds interrupted", "database");
        assertThat(log).containsExactly("test: builds did not close within 100 ms; still in flight:"
                + " building image/a/1.0.0/1; interrupting it and going on");
    }

    @Test
    void closingTwiceClosesOnce() {
        lifecycle.add("database", Duration.ofSeconds(1), () -> closed.add("database"));

        lifecycle.close();
        lifecycle.close();

        assertThat(closed).containsExactly("database");
        assertThat(lifecycle.isClosed()).isTrue();
    }

    @Test
    void aResourceOpenedAfterTheCloseIsClosedAtOnce() {
        lifecycle.close();

        lifecycle.add("late", Duration.ofSeconds(1), () -> closed.add("late"));

        assertThat(closed).containsExactly("late");
    }

    @Test
    void aCloseDuringAStartWaitsForTheStartThenClosesAllItOpened() throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread start = new Thread(() -> {
            try (Lifecycle.Opening opening = lifecycle.opening(Duration.ofSeconds(10))) {
                lifecycle.add("database", Duration.ofSeconds(1), () -> closed.add("database"));
                opened.countDown();
                finish.await();
                lifecycle.add("http", Duration.ofSeconds(1), () -> closed.add("http"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        start.start();
        assertThat(opened.await(5, TimeUnit.SECONDS)).isTrue();
        Thread stop = new Thread(lifecycle::close);
        stop.start();
        Thread.sleep(100);
        assertThat(closed).as("nothing closed under the start").isEmpty();

        finish.countDown();
        stop.join(5_000);

        assertThat(closed).containsExactly("http", "database");
    }
}
