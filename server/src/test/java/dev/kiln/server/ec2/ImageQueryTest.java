package dev.kiln.server.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageQueryTest {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String C = "333333333333";

    static MachineImage image(String id, String owner, String name, Map<String, String> tags, Set<String> users,
                              boolean isPublic) {
        return MachineImage.builder().setImageId(id).setRegion("us-east-1").setName(name).setDescription("d")
                .setOwnerId(owner).setCreationDate(Instant.parse("2026-01-02T03:04:05Z")).setState("available")
                .setRootVolumeSizeGiB(8).setTags(tags).setDisk(Path.of("/x.qcow2")).setDiskSha256("00")
                .setBoot(Boot.firmware()).setLaunchUserIds(users).setPublicLaunch(isPublic).build();
    }

    static final MachineImage PRIVATE = image("ami-00000000000000001", A, "web-private", Map.of("team", "kiln"),
            Set.of(), false);
    static final MachineImage SHARED = image("ami-00000000000000002", A, "web-shared", Map.of(), Set.of(B), false);
    static final MachineImage PUBLIC = image("ami-00000000000000003", A, "db-public", Map.of("env", "prod"),
            Set.of(), true);
    static final MachineImage MANAGED = image("ami-00000000000000004", "aws", "debian-12", Map.of(), Set.of(),
            false);
    static final List<MachineImage> ALL = List.of(PRIVATE, SHARED, PUBLIC, MANAGED);

    static List<String> select(String caller, String form) {
        return ImageQuery.of(caller, Ec2Form.parse(form)).select(ALL).stream().map(MachineImage::imageId).toList();
    }

    static List<String> ids(MachineImage... images) {
        return java.util.Arrays.stream(images).map(MachineImage::imageId).toList();
    }

    @Test
    void eachAccountSeesOwnedSharedPublicAndManagedImages() {
        assertThat(select(A, "")).isEqualTo(ids(PRIVATE, SHARED, PUBLIC, MANAGED));
        assertThat(select(B, "")).isEqualTo(ids(SHARED, PUBLIC, MANAGED));
        assertThat(select(C, "")).isEqualTo(ids(PUBLIC, MANAGED));
    }

    @Test
    void ownersSelfAmazonAndAccountIds() {
        assertThat(select(A, "Owner.1=self")).isEqualTo(ids(PRIVATE, SHARED, PUBLIC));
        assertThat(select(B, "Owner.1=amazon")).isEqualTo(ids(MANAGED));
        assertThat(select(B, "Owner.1=" + A)).isEqualTo(ids(SHARED, PUBLIC));
        assertThat(select(B, "Owner.1=self")).isEmpty();
    }

    @Test
    void executableBySelfAllAndAccount() {
        assertThat(select(B, "ExecutableBy.1=self")).isEqualTo(ids(SHARED));
        assertThat(select(B, "ExecutableBy.1=all")).isEqualTo(ids(PUBLIC, MANAGED));
        assertThat(select(A, "ExecutableBy.1=" + B)).isEqualTo(ids(SHARED));
    }

    @Test
    void filtersOnNameWithWildcardsTagsAndPublic() {
        assertThat(select(A, "Filter.1.Name=name&Filter.1.Value.1=web-*")).isEqualTo(ids(PRIVATE, SHARED));
        assertThat(select(A, "Filter.1.Name=name&Filter.1.Value.1=??-public")).isEqualTo(ids(PUBLIC));
        assertThat(select(A, "Filter.1.Name=tag:team&Filter.1.Value.1=kil?")).isEqualTo(ids(PRIVATE));
        assertThat(select(A, "Filter.1.Name=tag-key&Filter.1.Value.1=env")).isEqualTo(ids(PUBLIC));
        assertThat(select(A, "Filter.1.Name=is-public&Filter.1.Value.1=false&Filter.2.Name=owner-id"
                + "&Filter.2.Value.1=" + A)).isEqualTo(ids(PRIVATE, SHARED));
        assertThat(select(A, "Filter.1.Name=state&Filter.1.Value.1=pending")).isEmpty();
        assertThat(select(A, "Filter.1.Name=image-id&Filter.1.Value.1=" + SHARED.imageId()
                + "&Filter.1.Value.2=" + PUBLIC.imageId())).isEqualTo(ids(SHARED, PUBLIC));
    }

    @Test
    void wildcardsCanBeEscapedAndOtherCharactersAreLiteral() {
        assertThat(ImageQuery.glob("a\\*b").matcher("a*b").matches()).isTrue();
        assertThat(ImageQuery.glob("a\\*b").matcher("axb").matches()).isFalse();
        assertThat(ImageQuery.glob("v1.0 (x)").matcher("v1.0 (x)").matches()).isTrue();
        assertThat(ImageQuery.glob("v1.0").matcher("v1x0").matches()).isFalse();
    }

    @Test
    void anImageIdTheCallerCannotSeeIsNotFound() {
        assertThat(select(B, "ImageId.1=" + SHARED.imageId())).isEqualTo(ids(SHARED));
        assertThatThrownBy(() -> select(C, "ImageId.1=" + SHARED.imageId()))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidAMIID.NotFound"));
        assertThatThrownBy(() -> select(C, "ImageId.1=ami-xyz"))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidAMIID.Malformed"));
    }

    @Test
    void unknownFilterIsInvalidParameterValue() {
        assertThatThrownBy(() -> select(A, "Filter.1.Name=colour&Filter.1.Value.1=red"))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
    }
}
