package dev.kiln.machines.container;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A registry for one test class, with the busybox image pushed to it:
 * {@code @RegisterExtension static final BusyboxRegistry REGISTRY = new BusyboxRegistry();}.
 */
final class BusyboxRegistry implements BeforeAllCallback, AfterAllCallback {
    private Path folder;
    private TestRegistry registry;
    private String busybox;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        folder = Files.createTempDirectory("kiln-test-registry-");
        registry = TestRegistry.start(folder.resolve("registry"));
        busybox = BusyboxImage.push(registry, folder.resolve("busybox"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (folder != null) {
            // rm, not Files.walk: buildah's seed storage holds links and root-owned layers.
            new ProcessBuilder("rm", "-rf", folder.toString()).inheritIO().start().waitFor();
        }
    }

    /** The registry's host:port. */
    String host() {
        return registry.host();
    }

    /** The busybox image's reference in the registry. */
    String busybox() {
        return busybox;
    }
}
