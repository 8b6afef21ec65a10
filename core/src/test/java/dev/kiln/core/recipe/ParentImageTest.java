package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.error.ErrorType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParentImageTest {
    private final RecipeWorld w = new RecipeWorld();

    @BeforeEach
    void setUp() {
        w.baseImages();
    }

    @Test
    void aWildcardArnSelectsTheNewestUsableBuildAndIsKeptAsGiven() {
        w.image("aws", "us-east-1", "debian-12-x86", "2026.3.0", 1, "AMI", "Linux", "FAILED");
        ParentImage parent = ParentImage.forImageRecipe(w.store, w.me, w.debian(w.me));
        assertThat(parent.given()).isEqualTo(w.debian(w.me));
        assertThat(parent.image().version()).isEqualTo("2026.2.0");
        assertThat(parent.platform()).contains("Linux");
        assertThat(parent.reference()).isNull();
        ParentImage exact = ParentImage.forImageRecipe(w.store, w.me,
                "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/2026.1.0/1");
        assertThat(exact.image().version()).isEqualTo("2026.1.0");
    }

    @Test
    void anImageWithoutUsableBuildsIsRefused() {
        w.image("aws", "us-east-1", "broken", "1.0.0", 1, "AMI", "Linux", "FAILED");
        w.image("aws", "us-east-1", "broken", "1.0.0", 2, "AMI", "Linux", "CANCELLED");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me,
                        "arn:aws:imagebuilder:us-east-1:aws:image/broken/x.x.x"),
                ErrorType.InvalidParameterValueException, "every build of the image it names is CANCELLED, FAILED");
    }

    @Test
    void imagesOfOtherAccountsAndRegionsAreNotFound() {
        String theirs = w.image(w.other.accountId(), "us-east-1", "theirs", "1.0.0", 1, "AMI", "Linux", "AVAILABLE");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, theirs), ErrorType.InvalidParameterValueException,
                "no such image exists in us-east-1");
        assertThat(ParentImage.forImageRecipe(w.store, w.other, theirs).image().arn()).isEqualTo(theirs);
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, w.debian(w.west)),
                ErrorType.InvalidParameterValueException);
    }

    @Test
    void otherFormsOfParentImageAreRefusedSayingWhatKilnTakes() {
        assertThat(ParentImage.forImageRecipe(w.store, w.me, "ami-0abcdef1234567890").given())
                .isEqualTo("ami-0abcdef1234567890");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, "ami-0ABC"),
                ErrorType.InvalidParameterValueException, "17 lower-case hex digits");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, "ssm:/aws/service/debian/12"),
                ErrorType.InvalidParameterValueException, "Systems Manager");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, "prod-abcdefghijklm"),
                ErrorType.InvalidParameterValueException, "Marketplace");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, "debian:12"),
                ErrorType.InvalidParameterValueException, "give an Image Builder image ARN");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me,
                        "arn:aws:imagebuilder:us-east-1:aws:component/debian/1.0.0"),
                ErrorType.InvalidParameterValueException, "is not a image ARN");
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me,
                        "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.1.x"),
                ErrorType.InvalidVersionNumberException);
    }

    @Test
    void imageRecipesNeedMachineImagesAndContainerRecipesContainerImages() {
        String container = "arn:aws:imagebuilder:us-east-1:aws:image/debian-12-container/x.x.x";
        assertError(() -> ParentImage.forImageRecipe(w.store, w.me, container),
                ErrorType.InvalidParameterValueException, "is a container image");
        assertThat(ParentImage.forContainerRecipe(w.store, w.me, container).image().name())
                .isEqualTo("debian-12-container");
        assertError(() -> ParentImage.forContainerRecipe(w.store, w.me, w.debian(w.me)),
                ErrorType.InvalidParameterValueException, "is a machine image");
        // An image that does not say what it is serves either.
        w.image("aws", "us-east-1", "untyped", "1.0.0", 1, null, "Linux", "AVAILABLE");
        String untyped = "arn:aws:imagebuilder:us-east-1:aws:image/untyped/1.0.0";
        assertThat(ParentImage.forImageRecipe(w.store, w.me, untyped).image()).isNotNull();
        assertThat(ParentImage.forContainerRecipe(w.store, w.me, untyped).image()).isNotNull();
    }

    @Test
    void containerRecipesTakeImageReferences() {
        ParentImage parent = ParentImage.forContainerRecipe(w.store, w.me, "registry:5000/base:1");
        assertThat(parent.image()).isNull();
        assertThat(parent.platform()).isEmpty();
        assertThat(parent.reference().registry()).isEqualTo("registry:5000");
        assertError(() -> ParentImage.forContainerRecipe(w.store, w.me, "ami-0abcdef1234567890"),
                ErrorType.InvalidParameterValueException, "not an AMI id");
        assertError(() -> ParentImage.forContainerRecipe(w.store, w.me, "ssm:/param"),
                ErrorType.InvalidParameterValueException, "Systems Manager");
        assertError(() -> ParentImage.forContainerRecipe(w.store, w.me, "UPPER:case"),
                ErrorType.InvalidParameterValueException)
                .hasMessageContaining("parentImage 'UPPER:case'")
                .hasMessageContaining("neither a container image reference");
    }
}
