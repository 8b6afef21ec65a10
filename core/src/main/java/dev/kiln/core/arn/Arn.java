package dev.kiln.core.arn;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Image Builder ARN: {@code arn:aws:imagebuilder:<region>:<owner>:<type>/<name>[/<version>[/<build>]]}.
 * The owner is a 12-digit account or {@code aws} for Kiln-managed resources. The version may hold
 * {@code x} wildcards where the API allows them.
 */
public record Arn(String partition, String region, String owner, String type, String name, String version,
                  Integer build) {

    public static final String AWS_OWNER = "aws";
    private static final Pattern FORM = Pattern.compile(
            "arn:(aws[a-z-]*):imagebuilder:([a-z0-9-]+):(\\d{12}|aws(?:-[a-z-]+)?):([a-z-]+)/([a-z0-9_-]+)"
                    + "(?:/((?:[0-9]+|x)\\.(?:[0-9]+|x)\\.(?:[0-9]+|x))(?:/([0-9]{1,9}))?)?");

    public static Optional<Arn> parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Arn(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6),
                m.group(7) == null ? null : Integer.valueOf(m.group(7))));
    }

    public static Arn of(String region, String owner, String type, String resourceName) {
        return new Arn("aws", region, owner, type, arnName(resourceName), null, null);
    }

    /** The name as it appears in ARNs: lower case, spaces turned into hyphens. */
    public static String arnName(String resourceName) {
        return resourceName.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    public Arn withVersion(String version) {
        return new Arn(partition, region, owner, type, name, version, null);
    }

    public Arn withBuild(int build) {
        return new Arn(partition, region, owner, type, name, version, build);
    }

    /** The same resource without its build number. */
    public Arn versionArn() {
        return new Arn(partition, region, owner, type, name, version, null);
    }

    public boolean hasWildcard() {
        return version != null && version.contains("x");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("arn:").append(partition).append(":imagebuilder:").append(region)
                .append(':').append(owner).append(':').append(type).append('/').append(name);
        if (version != null) {
            sb.append('/').append(version);
            if (build != null) {
                sb.append('/').append(build);
            }
        }
        return sb.toString();
    }
}
