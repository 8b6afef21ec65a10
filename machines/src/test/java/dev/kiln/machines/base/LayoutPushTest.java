package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.container.ContainerRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LayoutPushTest {
    @Test
    void loopbackAndHttpRegistriesAreSpokenToWithoutTls() {
        assertThat(LayoutPush.insecure(registry("127.0.0.1:5001", "https://127.0.0.1:5001"))).isTrue();
        assertThat(LayoutPush.insecure(registry("localhost:5000", "https://localhost:5000"))).isTrue();
        assertThat(LayoutPush.insecure(registry("[::1]:5000", "https://[::1]:5000"))).isTrue();
        assertThat(LayoutPush.insecure(registry("registry.lan:5000", "http://registry.lan:5000"))).isTrue();
        assertThat(LayoutPush.insecure(registry("registry.example.com", "https://registry.example.com"))).isFalse();
    }

    private static ContainerRegistry registry(String host, String url) {
        return new ContainerRegistry("r", host, URI.create(url), false);
    }
}
