package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerBaseImagesTest {
    private static final BuildLog LOG = BuildLog.discarding(Clock.systemUTC());

    @TempDir
    Path folder;

    @Test
    void unknownNameFailsNamingTheImagesThereAre() {
        ContainerBaseImages images = new ContainerBaseImages(folder);
        ContainerRegistry registry = new ContainerRegistry("us-east-1", "127.0.0.1:1", URI.create("http://127.0.0.1:1"),
                true);
        assertThatThrownBy(() -> images.ensurePushed("alpine-3", registry, Map.of(), LOG))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("alpine-3")
                .hasMessageContaining("debian-12-container");
        assertThatThrownBy(() -> images.ensure("debian-12-x86", LOG)).isInstanceOf(BuildFailure.class);
        assertThat(images.cached("alpine-3")).isEmpty();
        assertThat(ContainerBaseImages.names()).containsExactly("debian-12-container");
    }

    @Test
    void anImageMadeFromAnotherRecipeIsNotCached() throws Exception {
        Path dir = Files.createDirectories(folder.resolve("debian-12-container"));
        Files.writeString(dir.resolve("image.json"), "{\"recipeHash\":\"0000\",\"layout\":\"oci\"}");
        assertThat(new ContainerBaseImages(folder).cached("debian-12-container")).isEmpty();
    }
}
