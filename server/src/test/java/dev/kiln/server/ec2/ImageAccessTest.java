package dev.kiln.server.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageAccessTest {

    @Test
    void ownerSharedAccountsAndEveryoneForPublicOrKilnManagedImages() {
        assertThat(ImageAccess.usableBy(ImageQueryTest.PRIVATE, ImageQueryTest.A)).isTrue();
        assertThat(ImageAccess.usableBy(ImageQueryTest.PRIVATE, ImageQueryTest.B)).isFalse();
        assertThat(ImageAccess.usableBy(ImageQueryTest.SHARED, ImageQueryTest.B)).isTrue();
        assertThat(ImageAccess.usableBy(ImageQueryTest.SHARED, ImageQueryTest.C)).isFalse();
        assertThat(ImageAccess.usableBy(ImageQueryTest.PUBLIC, ImageQueryTest.C)).isTrue();
        assertThat(ImageAccess.usableBy(ImageQueryTest.MANAGED, ImageQueryTest.C)).isTrue();
        assertThat(ImageAccess.isPublic(ImageQueryTest.MANAGED)).isTrue();
        assertThat(ImageAccess.isPublic(ImageQueryTest.SHARED)).isFalse();
    }
}
