package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerBaseImageRecipeTest {
    @Test
    void recipeIsDebianMinbaseWithPathAndBash() {
        ContainerBaseImageRecipe r = ContainerBaseImageRecipe.named("Debian-12-Container");
        assertThat(r).isSameAs(ContainerBaseImageRecipe.DEBIAN_12);
        assertThat(r.version()).isEqualTo(dev.kiln.core.image.BaseImages.VERSION);
        assertThat(r.repository()).isEqualTo("kiln/debian-12-container");
        assertThat(r.env()).containsExactly("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(r.cmd()).containsExactly("bash");
        assertThat(r.hash()).isEqualTo(ContainerBaseImageRecipe.DEBIAN_12.hash())
                .isNotEqualTo(new ContainerBaseImageRecipe(r.name(), r.description(), r.suite(), "2026.12.0",
                        r.architecture(), r.env(), r.cmd()).hash());
    }
}
