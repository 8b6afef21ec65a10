package dev.kiln.core.recipe;

import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A recipe's {@code parentImage}, checked when the recipe is created. It is kept in the recipe as given
 * (a wildcard ARN stays a wildcard: each build takes the newest matching image then).
 *
 * <ul>
 *   <li>An Image Builder image ARN, of the caller's own images or of Kiln-managed base images (owner
 *       {@code aws}, e.g. {@code arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/x.x.x}), in the
 *       caller's region, with {@code x} wildcards or a build number. At least one matching build must
 *       exist that is not FAILED, CANCELLED, DELETED or DISABLED. An image recipe needs a machine image
 *       and a container recipe a container image, when the image says which it is ({@code type}).</li>
 *   <li>For container recipes, also any container image reference ({@code debian:12},
 *       {@code registry:5000/repo:tag}); whether it can be pulled is known only when a build pulls it.</li>
 *   <li>For image recipes, an {@code ami-} id (17 hex digits) of Kiln's image store: whether it exists
 *       and the caller may launch it is checked when a build starts, since the image store lives with
 *       the build worker.</li>
 *   <li>Refused with a message saying why: {@code ssm:} parameters and Marketplace product ids.</li>
 * </ul>
 *
 * @param given the parentImage as given
 * @param image the newest usable image build the ARN selects now, or null for a container reference
 * @param reference the container image reference, or null for an image ARN
 */
record ParentImage(String given, StoredResource image, ContainerImageReference reference) {
    static final String MEMBER = "parentImage";
    static final String IMAGE_TYPE = "image";
    private static final Pattern AMI_ID = Pattern.compile("ami-[0-9a-fA-F]+");

    /** The platform of the parent image, when Kiln knows it. */
    Optional<String> platform() {
        return image == null ? Optional.empty() : Optional.ofNullable(ImageRecord.of(image).platform());
    }

    /** The parent of an image recipe: an Image Builder image ARN of a machine image. */
    static ParentImage forImageRecipe(ResourceStore store, CallContext ctx, String text) {
        if (AMI_ID.matcher(text).matches()) {
            if (!text.matches("ami-[0-9a-f]{17}")) {
                throw invalid(text, "an AMI id is ami- and 17 lower-case hex digits, e.g. ami-0123456789abcdef0");
            }
            return new ParentImage(text, null, null);
        }
        refuseUnsupportedForms(text, "an Image Builder image ARN");
        if (!text.startsWith("arn:")) {
            throw invalid(text, "give an Image Builder image ARN such as arn:aws:imagebuilder:" + ctx.region()
                    + ":aws:image/debian-12-x86/x.x.x");
        }
        StoredResource image = resolve(store, ctx, text);
        if ("DOCKER".equals(ImageRecord.of(image).type())) {
            throw invalid(text, "the image is a container image; an image recipe builds on a machine image");
        }
        return new ParentImage(text, image, null);
    }

    /** The parent of a container recipe: a container image reference or an Image Builder image ARN. */
    static ParentImage forContainerRecipe(ResourceStore store, CallContext ctx, String text) {
        if (text.startsWith("arn:")) {
            StoredResource image = resolve(store, ctx, text);
            if (ImageRecord.of(image).machineImage()) {
                throw invalid(text, "the image is a machine image; a container recipe builds on a container image");
            }
            return new ParentImage(text, image, null);
        }
        if (AMI_ID.matcher(text).matches()) {
            throw invalid(text, "a container recipe builds on a container image: give an image reference such as"
                    + " debian:12 or an Image Builder container image ARN, not an AMI id");
        }
        refuseUnsupportedForms(text, "a container image reference or an Image Builder image ARN");
        ContainerImageReference reference = ContainerImageReference.parse(text).orElseThrow(() -> invalid(text,
                "it is neither a container image reference ([registry[:port]/]repository[:tag][@digest], e.g."
                        + " debian:12) nor an Image Builder image ARN"));
        return new ParentImage(text, null, reference);
    }

    private static void refuseUnsupportedForms(String text, String accepted) {
        if (text.startsWith("ssm:")) {
            throw invalid(text, "Kiln has no Systems Manager parameters; give " + accepted);
        }
        if (text.startsWith("prod-")) {
            throw invalid(text, "Kiln has no Marketplace products; give " + accepted);
        }
    }

    /** The newest usable build the image ARN selects, or InvalidParameterValue. */
    private static StoredResource resolve(ResourceStore store, CallContext ctx, String text) {
        Arn arn = Versions.parseArn(text, IMAGE_TYPE, MEMBER);
        List<StoredResource> builds = Versions.matching(store, ctx, arn);
        if (builds.isEmpty()) {
            throw invalid(text, "no such image exists in " + ctx.region() + " for this account or among"
                    + " Kiln-managed images (owner aws)");
        }
        return builds.stream()
                .filter(b -> !ImageRecord.of(b).status().unusable())
                .findFirst()
                .orElseThrow(() -> invalid(text, "every build of the image it names is "
                        + String.join(", ", builds.stream().map(b -> ImageRecord.of(b).status().name())
                        .distinct().toList()) + "; a parent image must be one that can be used"));
    }

    private static ApiException invalid(String text, String why) {
        return new ApiException(ErrorType.InvalidParameterValueException, MEMBER + " '" + text + "': " + why);
    }
}
