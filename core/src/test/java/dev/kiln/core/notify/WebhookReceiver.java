package dev.kiln.core.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/** A webhook endpoint on loopback for tests: records every POST and answers scripted status codes, then 200. */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received. */
    public record Received(String topicArn, String deliveryId, String signature, String contentType, String body,
                           long nanoTime) {
    }

    private final HttpServer server;
    private final Deque<Integer> answers = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new ArrayList<>();
    private volatile Duration delay = Duration.ZERO;

    public WebhookReceiver(int... firstAnswers) throws IOException {
        for (int a : firstAnswers) {
            answers.add(a);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var h = exchange.getRequestHeaders();
            synchronized (received) {
                received.add(new Received(h.getFirst("X-Kiln-Topic-Arn"), h.getFirst("X-Kiln-Delivery-Id"),
                        h.getFirst("X-Kiln-Signature"), h.getFirst("Content-Type"), body, System.nanoTime()));
                received.notifyAll();
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Integer code = answers.poll();
            exchange.sendResponseHeaders(code == null ? 200 : code, -1);
            exchange.close();
        });
        server.start();
    }

    /** Each answer comes this late (the request is recorded at once). */
    public WebhookReceiver answeringAfter(Duration delay) {
        this.delay = delay;
        return this;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until the requests received satisfy a condition; answers them. */
    public List<Received> await(Predicate<List<Received>> condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (!condition.test(received)) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                received.wait(left);
            }
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
