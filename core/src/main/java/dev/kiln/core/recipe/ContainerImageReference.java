package dev.kiln.core.recipe;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference as Docker and OCI tools read it: {@code [registry[:port]/]path[:tag][@digest]},
 * e.g. {@code debian:12}, {@code registry:5000/team/app:1.2}, {@code ghcr.io/o/r@sha256:...}. The grammar
 * is the distribution project's reference grammar (lower-case path components, tag up to 128
 * characters, whole name up to 255).
 *
 * @param registry the registry host (with port), or null for Docker Hub
 * @param path the repository path, e.g. {@code library/debian} is given as {@code debian}
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record ContainerImageReference(String registry, String path, String tag, String digest) {
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
            + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
    private static final Pattern FORM = Pattern.compile("(?:(" + DOMAIN + ")/)?(" + PATH_COMPONENT + "(?:/"
            + PATH_COMPONENT + ")*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*"
            + ":[0-9a-fA-F]{32,}))?");
    private static final int MAX_NAME = 255;

    /** Parses a reference; empty when it is not one. */
    public static Optional<ContainerImageReference> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String registry = m.group(1);
        String path = m.group(2);
        // Without a dot, a colon or "localhost", the first component is part of a Docker Hub path.
        if (registry != null && !registry.contains(".") && !registry.contains(":") && !registry.equals("localhost")
                && !registry.startsWith("[")) {
            if (!registry.matches(PATH_COMPONENT)) {
                return Optional.empty();
            }
            path = registry + "/" + path;
            registry = null;
        }
        int nameLength = (registry == null ? 0 : registry.length() + 1) + path.length();
        if (nameLength > MAX_NAME) {
            return Optional.empty();
        }
        return Optional.of(new ContainerImageReference(registry, path, m.group(3), m.group(4)));
    }
}
