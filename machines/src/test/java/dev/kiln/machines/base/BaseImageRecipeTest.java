package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BaseImageRecipeTest {
    @Test
    void knowsDebian12ByBothNames() {
        assertThat(BaseImageRecipe.named("debian-12")).isSameAs(BaseImageRecipe.DEBIAN_12);
        assertThat(BaseImageRecipe.named("debian-12-x86")).isSameAs(BaseImageRecipe.DEBIAN_12);
        assertThatThrownBy(() -> BaseImageRecipe.named("centos-7")).hasMessageContaining("debian-12");
    }

    @Test
    void hasNoCloudInitAndTheMirrorsSuites() {
        assertThat(BaseImageRecipe.DEBIAN_12.packages()).contains("openssh-server", "linux-image-amd64")
                .doesNotContain("cloud-init");
        assertThat(BaseImageRecipe.DEBIAN_12.sourceLines(new DebianMirror("http://m/debian", "http://m/sec")))
                .containsExactly("deb http://m/debian bookworm main", "deb http://m/debian bookworm-updates main",
                        "deb http://m/sec bookworm-security main");
    }

    @Test
    void recipeHashChangesWithTheRecipe() {
        assertThat(BaseImageBuilder.recipeHash(BaseImageRecipe.DEBIAN_12))
                .isEqualTo(BaseImageBuilder.recipeHash(BaseImageRecipe.DEBIAN_12))
                .isNotEqualTo(BaseImageBuilder.recipeHash(new BaseImageRecipe("debian-12", "d", "bookworm",
                        BaseImageRecipe.DEBIAN_12.packages(), 9, "")));
    }
}
