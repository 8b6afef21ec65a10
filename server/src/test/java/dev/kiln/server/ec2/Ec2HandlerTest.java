package dev.kiln.server.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.store.AccessKey;
import dev.kiln.server.auth.SigV4Verifier;
import dev.kiln.server.auth.VerifiedCaller;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Ec2HandlerTest {
    static final String A = ImageQueryTest.A;
    static final String B = ImageQueryTest.B;

    /** Images in memory, by id. */
    static final class MemoryStore implements ImageStore {
        final Map<String, MachineImage> images = new LinkedHashMap<>();

        @Override
        public MachineImage register(MachineImage template, Path diskFile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<MachineImage> find(String region, String imageId) {
            return Optional.ofNullable(images.get(imageId)).filter(i -> i.region().equals(region));
        }

        @Override
        public List<MachineImage> list(String region) {
            return new ArrayList<>(images.values().stream().filter(i -> i.region().equals(region)).toList());
        }

        @Override
        public MachineImage update(MachineImage image) {
            images.put(image.imageId(), image);
            return image;
        }

        @Override
        public MachineImage copy(MachineImage source, MachineImage template) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deregister(String region, String imageId) {
            images.remove(imageId);
        }
    }

    final MemoryStore store = new MemoryStore();
    final Ec2Handler handler = new Ec2Handler(new SigV4Verifier(id -> Optional.<AccessKey>empty(),
            Clock.systemUTC(), Set.of("us-east-1")).forService("ec2"), store, Set.of("us-east-1"));
    final MachineImage image = store.update(ImageQueryTest.PRIVATE);

    String call(String account, String form) throws Exception {
        Ec2Form f = Ec2Form.parse(form);
        return handler.call(f.required("Action"), new VerifiedCaller(account, "AKIA", "us-east-1", "ec2"), f, "r");
    }

    MachineImage stored() {
        return store.images.get(image.imageId());
    }

    @Test
    void olderLaunchPermissionFormAddsAndRemoves() throws Exception {
        call(A, "Action=ModifyImageAttribute&ImageId=" + image.imageId() + "&Attribute=launchPermission"
                + "&OperationType=add&UserId.1=" + B + "&UserGroup.1=all");
        assertThat(stored().launchUserIds()).containsExactly(B);
        assertThat(stored().publicLaunch()).isTrue();
        call(A, "Action=ModifyImageAttribute&ImageId=" + image.imageId() + "&Attribute=launchPermission"
                + "&OperationType=remove&UserGroup.1=all");
        assertThat(stored().publicLaunch()).isFalse();
        assertThat(stored().launchUserIds()).containsExactly(B);
    }

    @Test
    void descriptionByAttributeAndValue() throws Exception {
        assertThat(call(A, "Action=ModifyImageAttribute&ImageId=" + image.imageId()
                + "&Attribute=description&Value=hello")).contains("<return>true</return>");
        assertThat(stored().description()).isEqualTo("hello");
        assertThat(call(B, "Action=DescribeImages")).doesNotContain(image.imageId());
    }

    @Test
    void onlyTheOwnerModifiesAndOnlyValidPermissions() {
        store.update(image.toBuilder().setOwnerId(A).setRootVolumeSizeGiB(8).setTags(Map.of()).setDiskSha256("00")
                .setLaunchUserIds(Set.of(B)).setPublicLaunch(false).build());
        assertThatThrownBy(() -> call(B, "Action=DeregisterImage&ImageId=" + image.imageId()))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("AuthFailure"));
        assertThatThrownBy(() -> call(A, "Action=ModifyImageAttribute&ImageId=" + image.imageId()
                + "&LaunchPermission.Add.1.Group=admins"))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> call(A, "Action=ModifyImageAttribute&ImageId=" + image.imageId()
                + "&LaunchPermission.Add.1.UserId=bob"))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidUserID.Malformed"));
        assertThat(stored().launchUserIds()).containsExactly(B);
    }

    @Test
    void unknownActionIsInvalidAction() {
        assertThatThrownBy(() -> call(A, "Action=RunInstances"))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("InvalidAction"));
    }

    @Test
    void signatureFailuresGetEc2Names() {
        assertThat(Ec2Handler.authError(new ApiException(ErrorType.UnrecognizedClientException, "x")).code())
                .isEqualTo("AuthFailure");
        assertThat(Ec2Handler.authError(new ApiException(ErrorType.InvalidSignatureException, "mismatch")).code())
                .isEqualTo("SignatureDoesNotMatch");
        assertThat(Ec2Handler.authError(new ApiException(ErrorType.InvalidSignatureException,
                "Signature expired: 1 is now earlier than 2")).code()).isEqualTo("RequestExpired");
    }
}
