package dev.kiln.core.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Kiln-managed base images, Kiln's stand-in for AWS-managed ones: image build versions owned by
 * {@code aws} in every served region, e.g.
 * {@code arn:aws:imagebuilder:us-east-1:aws:image/debian-12-x86/2026.11.0/1}. They are listed by
 * {@code ListImages --owner Amazon}, and recipes name them as parentImage, usually with a wildcard
 * ({@code .../aws:image/debian-12-x86/x.x.x}).
 *
 * <p>The version is the year and month of the Debian snapshot the image is built from, then a patch
 * number ({@value #VERSION}); a newer snapshot gets a newer version and both stay listed. This class
 * only records them: their contents are made from the Debian mirror and cached by the machines
 * module on first use ({@code Machines.baseImage}); the container root file system comes with
 * container builds.
 */
public final class BaseImages {
    /** The current version of every Kiln-managed base image. */
    public static final String VERSION = "2026.11.0";
    static final String OS_VERSION = "Debian 12";

    /**
     * One Kiln-managed base image.
     *
     * @param name      its Image Builder name, as its ARN has it
     * @param type      {@code AMI} (a VM disk image) or {@code DOCKER} (a container image)
     * @param shortName the name {@code kiln base-images} also takes and the machines module caches it
     *                  under; the Image Builder name itself where there is none shorter
     */
    public record BaseImage(String name, String type, String shortName) {
        public boolean container() {
            return type.equals("DOCKER");
        }
    }

    /** Debian 12 (bookworm) x86_64, a minimal VM disk image. */
    public static final BaseImage DEBIAN_12_X86 = new BaseImage("debian-12-x86", "AMI", "debian-12");
    /** The same as a container root file system. */
    public static final BaseImage DEBIAN_12_CONTAINER = new BaseImage("debian-12-container", "DOCKER",
            "debian-12-container");

    /**
     * The catalogue of Kiln-managed base images: what is seeded as images owned by {@code aws}, what
     * the machines module builds and caches, and what {@code kiln base-images} names.
     */
    public static final List<BaseImage> ALL = List.of(DEBIAN_12_X86, DEBIAN_12_CONTAINER);

    /** The base image of that Image Builder name or short name, in any case. */
    public static Optional<BaseImage> named(String name) {
        return ALL.stream().filter(b -> b.name().equalsIgnoreCase(name) || b.shortName().equalsIgnoreCase(name))
                .findFirst();
    }

    /** The VM base images ({@code container} false) or the container ones (true), in catalogue order. */
    public static List<BaseImage> of(boolean container) {
        return ALL.stream().filter(b -> b.container() == container).toList();
    }

    private final ResourceStore store;
    private final Clock clock;

    public BaseImages(ResourceStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The build ARN of a base image in a region. */
    public static String arn(String region, String name) {
        return Arn.of(region, Arn.AWS_OWNER, ImageBuilds.TYPE, name).withVersion(VERSION).withBuild(1).toString();
    }

    /**
     * Records every base image in every region that lacks it; safe to call at each start and from
     * several servers at once.
     *
     * @return how many were added
     */
    public int seed(Collection<String> regions) {
        int added = 0;
        for (String region : regions) {
            for (BaseImage image : ALL) {
                String arn = arn(region, image.name());
                if (store.get(arn).isPresent()) {
                    continue;
                }
                try {
                    store.insert(new StoredResource(arn, Arn.AWS_OWNER, region, ImageBuilds.TYPE, image.name(),
                            VERSION, 1, clock.instant(), body(arn, image)));
                    added++;
                } catch (ApiException e) {
                    if (e.type() != ErrorType.ResourceAlreadyExistsException) {
                        throw e;
                    }
                }
            }
        }
        return added;
    }

    private ObjectNode body(String arn, BaseImage image) {
        ObjectNode body = Json.object();
        body.put("arn", arn);
        body.put("type", image.type());
        body.put("name", image.name());
        body.put("version", VERSION + "/1");
        body.put("platform", "Linux");
        body.put("enhancedImageMetadataEnabled", false);
        body.put("osVersion", OS_VERSION);
        body.putObject("state").put("status", "AVAILABLE");
        body.put("dateCreated", Json.date(clock.instant()));
        body.putObject("outputResources").putArray(image.type().equals("DOCKER") ? "containers" : "amis");
        body.putObject("tags");
        body.put("imageSource", "AMAZON_MANAGED");
        return body;
    }
}
