package dev.kiln.server.ec2;

import dev.kiln.core.machine.MachineImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DescribeImages' selection, as EC2 makes it: of the images the caller may use, those with one of the
 * {@code ImageId}s, one of the {@code Owner}s, launchable by one of the {@code ExecutableBy}s, and
 * matching every filter (any of each filter's values; {@code *} and {@code ?} are wildcards).
 */
record ImageQuery(String caller, List<String> imageIds, List<String> owners, List<String> executableBy,
                  List<Ec2Form.Filter> filters) {
    static final Pattern IMAGE_ID = Pattern.compile("ami-([0-9a-f]{8}|[0-9a-f]{17})");
    static final Set<String> FILTERS = Set.of("name", "image-id", "owner-id", "owner-alias", "state", "is-public",
            "tag-key", "architecture", "description", "image-type", "root-device-type", "virtualization-type",
            "hypervisor", "platform-details");

    ImageQuery {
        imageIds = List.copyOf(imageIds);
        owners = List.copyOf(owners);
        executableBy = List.copyOf(executableBy);
        filters = List.copyOf(filters);
        for (String id : imageIds) {
            checkImageId(id);
        }
        for (Ec2Form.Filter f : filters) {
            if (!FILTERS.contains(f.name()) && !f.name().startsWith("tag:")) {
                throw Ec2Exception.invalidValue("The filter '" + f.name() + "' is invalid");
            }
        }
    }

    static ImageQuery of(String caller, Ec2Form form) {
        return new ImageQuery(caller, form.list("ImageId"), form.list("Owner"), form.list("ExecutableBy"),
                form.filters());
    }

    static void checkImageId(String id) {
        if (!IMAGE_ID.matcher(id).matches()) {
            throw new Ec2Exception("InvalidAMIID.Malformed", "Invalid id: \"" + id + "\" (expecting \"ami-...\")");
        }
    }

    /**
     * The selected images, in the given order.
     *
     * @throws Ec2Exception InvalidAMIID.NotFound when an asked-for image id is not among the images the
     *                      caller may use, as EC2 answers
     */
    List<MachineImage> select(List<MachineImage> images) {
        List<MachineImage> usable = images.stream().filter(i -> ImageAccess.usableBy(i, caller)).toList();
        for (String id : imageIds) {
            if (usable.stream().noneMatch(i -> i.imageId().equals(id))) {
                throw Ec2Exception.notFound(id);
            }
        }
        List<MachineImage> out = new ArrayList<>();
        for (MachineImage image : usable) {
            if ((imageIds.isEmpty() || imageIds.contains(image.imageId()))
                    && (owners.isEmpty() || owners.stream().anyMatch(o -> ownedBy(image, o)))
                    && (executableBy.isEmpty() || executableBy.stream().anyMatch(e -> executableBy(image, e)))
                    && filters.stream().allMatch(f -> matches(image, f))) {
                out.add(image);
            }
        }
        return out;
    }

    private boolean ownedBy(MachineImage image, String owner) {
        return switch (owner) {
            case "self" -> image.ownerId().equals(caller);
            case "amazon" -> image.ownerId().equals(ImageAccess.KILN_OWNER);
            default -> image.ownerId().equals(owner);
        };
    }

    private boolean executableBy(MachineImage image, String who) {
        return switch (who) {
            case "all" -> ImageAccess.isPublic(image);
            case "self" -> image.ownerId().equals(caller) || image.launchUserIds().contains(caller);
            default -> image.ownerId().equals(who) || image.launchUserIds().contains(who);
        };
    }

    private static boolean matches(MachineImage image, Ec2Form.Filter filter) {
        String name = filter.name();
        if (name.startsWith("tag:")) {
            String value = image.tags().get(name.substring(4));
            return value != null && anyMatches(filter, value);
        }
        return switch (name) {
            case "tag-key" -> image.tags().keySet().stream().anyMatch(k -> anyMatches(filter, k));
            case "name" -> anyMatches(filter, image.name());
            case "image-id" -> anyMatches(filter, image.imageId());
            case "owner-id" -> anyMatches(filter, image.ownerId());
            case "owner-alias" -> ImageAccess.KILN_OWNER.equals(image.ownerId()) && anyMatches(filter, "amazon");
            case "state" -> anyMatches(filter, image.state());
            case "is-public" -> anyMatches(filter, Boolean.toString(ImageAccess.isPublic(image)));
            case "architecture" -> anyMatches(filter, image.architecture());
            case "description" -> anyMatches(filter, image.description());
            case "image-type" -> anyMatches(filter, "machine");
            case "root-device-type" -> anyMatches(filter, "ebs");
            case "virtualization-type" -> anyMatches(filter, "hvm");
            case "hypervisor" -> anyMatches(filter, "xen");
            case "platform-details" -> anyMatches(filter, Ec2Xml.PLATFORM_DETAILS);
            default -> false;
        };
    }

    private static boolean anyMatches(Ec2Form.Filter filter, String value) {
        return value != null && filter.values().stream().anyMatch(pattern -> glob(pattern).matcher(value).matches());
    }

    /** EC2's filter wildcards: {@code *} any run of characters, {@code ?} one; {@code \} escapes either. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length() && "*?\\".indexOf(pattern.charAt(i + 1)) >= 0) {
                literal.append(pattern.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
