package dev.kiln.machines.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Debian mirror this host's apt already uses (a host that can install packages can reach it), read
 * from {@code /etc/apt/sources.list} and {@code sources.list.d/*.list|*.sources}; deb.debian.org when
 * the host names none (an Ubuntu host, say).
 *
 * @param archive  e.g. {@code http://deb.debian.org/debian}
 * @param security e.g. {@code http://deb.debian.org/debian-security}
 */
record DebianMirror(String archive, String security) {
    static final DebianMirror DEFAULT = new DebianMirror("http://deb.debian.org/debian",
            "http://deb.debian.org/debian-security");

    /** Suite names that only Debian uses, to tell a Debian source from another distribution's. */
    private static final Set<String> DEBIAN_SUITES = Set.of("buster", "bullseye", "bookworm", "trixie", "forky",
            "duke", "sid", "stable", "testing", "unstable", "oldstable", "oldoldstable");

    /** The apt source lines of a suite's main component, with its updates and security suites. */
    List<String> sourceLines(String suite) {
        return List.of(
                "deb " + archive + " " + suite + " main",
                "deb " + archive + " " + suite + "-updates main",
                "deb " + security + " " + suite + "-security main");
    }

    /** One apt source: a URI and the suites it serves. */
    private record Source(String uri, List<String> suites) {
    }

    static DebianMirror detect(Path aptFolder) {
        List<Source> sources = new ArrayList<>();
        try {
            Path list = aptFolder.resolve("sources.list");
            if (Files.isRegularFile(list)) {
                sources.addAll(oneLineFormat(Files.readString(list, StandardCharsets.UTF_8)));
            }
            Path dir = aptFolder.resolve("sources.list.d");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.sorted().toList()) {
                        String file = f.getFileName().toString();
                        if (file.endsWith(".list")) {
                            sources.addAll(oneLineFormat(Files.readString(f, StandardCharsets.UTF_8)));
                        } else if (file.endsWith(".sources")) {
                            sources.addAll(deb822Format(Files.readString(f, StandardCharsets.UTF_8)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            return DEFAULT;
        }
        String archive = null;
        String security = null;
        for (Source s : sources) {
            if (!s.uri().startsWith("http://") && !s.uri().startsWith("https://")) {
                continue;
            }
            String uri = s.uri().replaceAll("/+$", "");
            for (String suite : s.suites()) {
                String base = suite.toLowerCase(Locale.ROOT).replaceAll("[-/].*$", "");
                if (!DEBIAN_SUITES.contains(base)) {
                    continue;
                }
                if (suite.endsWith("-security") || suite.endsWith("/updates")) {
                    security = security == null ? uri : security;
                } else {
                    archive = archive == null ? uri : archive;
                }
            }
        }
        if (archive == null) {
            return DEFAULT;
        }
        if (security == null) {
            // A mirror of the archive usually has no security suites; the security archive is one place.
            security = DEFAULT.security();
        }
        return new DebianMirror(archive, security);
    }

    /** {@code deb [options] URI suite component...}, comments and deb-src ignored. */
    private static List<Source> oneLineFormat(String text) {
        List<Source> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.replaceAll("#.*$", "").strip();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
                continue;
            }
            line = line.substring(4).strip().replaceAll("^\\[[^]]*]\\s*", "");
            String[] words = line.split("\\s+");
            if (words.length >= 2) {
                out.add(new Source(words[0], List.of(words[1])));
            }
        }
        return out;
    }

    /** Stanzas of {@code Field: value} lines separated by blank lines (apt's deb822 format). */
    private static List<Source> deb822Format(String text) {
        List<Source> out = new ArrayList<>();
        for (String stanza : text.split("\n\\s*\n")) {
            String types = "";
            String uris = "";
            String suites = "";
            String enabled = "yes";
            for (String raw : stanza.split("\n")) {
                if (raw.startsWith("#")) {
                    continue;
                }
                int colon = raw.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String field = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = raw.substring(colon + 1).strip();
                switch (field) {
                    case "types" -> types = value;
                    case "uris" -> uris = value;
                    case "suites" -> suites = value;
                    case "enabled" -> enabled = value;
                    default -> {
                    }
                }
            }
            if (!Arrays.asList(types.split("\\s+")).contains("deb") || enabled.equalsIgnoreCase("no")) {
                continue;
            }
            for (String uri : uris.split("\\s+")) {
                if (!uri.isEmpty()) {
                    out.add(new Source(uri, List.of(suites.split("\\s+"))));
                }
            }
        }
        return out;
    }
}
