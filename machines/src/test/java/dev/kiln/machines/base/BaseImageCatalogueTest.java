package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.image.BaseImages;
import dev.kiln.core.log.BuildFailure;
import org.junit.jupiter.api.Test;

/** The machines module builds exactly the base images of core's catalogue, under the catalogue's names. */
class BaseImageCatalogueTest {
    @Test
    void everyBaseImageOfTheCatalogueHasARecipeOfItsKind() {
        for (BaseImages.BaseImage b : BaseImages.ALL) {
            if (b.container()) {
                assertThat(ContainerBaseImageRecipe.named(b.name()).name()).isEqualTo(b.name());
                assertThatThrownBy(() -> BaseImageRecipe.named(b.name())).isInstanceOf(IllegalArgumentException.class);
            } else {
                assertThat(BaseImageRecipe.named(b.name()).name()).isEqualTo(b.shortName());
                assertThat(BaseImageRecipe.named(b.shortName())).isSameAs(BaseImageRecipe.named(b.name()));
                assertThatThrownBy(() -> ContainerBaseImageRecipe.named(b.name())).isInstanceOf(BuildFailure.class);
            }
        }
    }

    @Test
    void theContainerBaseImagesAreTheCataloguesInItsOrder() {
        assertThat(ContainerBaseImages.names()).containsExactlyElementsOf(BaseImages.of(true).stream()
                .map(BaseImages.BaseImage::name).toList());
    }

    @Test
    void namesAreFoundInAnyCase() {
        assertThat(BaseImages.named("Debian-12")).contains(BaseImages.DEBIAN_12_X86);
        assertThat(BaseImages.named("DEBIAN-12-X86")).contains(BaseImages.DEBIAN_12_X86);
        assertThat(BaseImages.named("debian-12-container")).contains(BaseImages.DEBIAN_12_CONTAINER);
        assertThat(BaseImages.named("centos-7")).isEmpty();
    }
}
