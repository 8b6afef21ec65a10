package dev.kiln.machines.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Debian packages Kiln needs on the host, read from {@code packages.txt} beside this class: the one
 * list of them. {@code ./kiln setup} and {@code ./kiln test} (bash, before any jar is built) install from
 * the same file in the source tree; Kiln reads it to check a build's programs before the build starts and
 * to name the package of a program it cannot find.
 */
public final class HostPackages {
    /** The file's path in the source tree (for the bash launcher) and, under the resources root, in the jar. */
    public static final String RESOURCE = "packages.txt";

    /** What needs a package; each is a word in the file's third column. */
    public enum Feature {
        CORE("running programs"),
        VM("VM builds"),
        SANDBOX("sandbox builds"),
        BASE_IMAGES("Kiln's Debian base image"),
        KVM_PROBE("the KVM probe"),
        IMPORTED_IMAGES("images that boot through their own firmware"),
        CONTAINERS("container builds"),
        CONTAINER_BASE_IMAGES("Kiln's Debian container base image"),
        REGISTRY("the registry Kiln runs"),
        TESTS("the tests");

        private final String description;

        Feature(String description) {
            this.description = description;
        }

        /** What it is, for messages: e.g. "container builds". */
        public String description() {
            return description;
        }

        /** The word in the file, e.g. {@code container-base-images}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Feature ofWord(String word) {
            for (Feature f : values()) {
                if (f.word().equals(word)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown feature '" + word + "'");
        }
    }

    /**
     * One row: a program (null for a package with nothing to run), the Debian package that brings it, the
     * features that need it, and why.
     */
    public record Entry(String program, String debianPackage, Set<Feature> features, String why) {
        public Entry {
            features = Collections.unmodifiableSet(EnumSet.copyOf(features));
        }

        /** Whether only the tests need it. */
        public boolean testsOnly() {
            return features.equals(EnumSet.of(Feature.TESTS));
        }
    }

    private static final List<Entry> ENTRIES = load();

    private HostPackages() {
    }

    /** Every row of the list, in its order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The rows with a program that one of the features needs, in the list's order. */
    public static List<Entry> programsFor(Feature... features) {
        Set<Feature> wanted = EnumSet.noneOf(Feature.class);
        wanted.addAll(Arrays.asList(features));
        List<Entry> out = new ArrayList<>();
        for (Entry e : ENTRIES) {
            if (e.program() != null && !Collections.disjoint(e.features(), wanted)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The Debian packages of the features, once each, in the list's order. */
    public static List<String> packagesFor(Feature... features) {
        Set<Feature> wanted = EnumSet.noneOf(Feature.class);
        wanted.addAll(Arrays.asList(features));
        Set<String> out = new LinkedHashSet<>();
        for (Entry e : ENTRIES) {
            if (!Collections.disjoint(e.features(), wanted)) {
                out.add(e.debianPackage());
            }
        }
        return List.copyOf(out);
    }

    /**
     * The row of a program.
     *
     * @throws IllegalArgumentException when the list does not have it (a program Kiln runs must be listed)
     */
    public static Entry entry(String program) {
        for (Entry e : ENTRIES) {
            if (program.equals(e.program())) {
                return e;
            }
        }
        throw new IllegalArgumentException("the program " + program + " is not in Kiln's list of host packages ("
                + HostPackages.class.getPackageName().replace('.', '/') + "/" + RESOURCE + ")");
    }

    /** The Debian package that brings a listed program. */
    public static String packageOf(String program) {
        return entry(program).debianPackage();
    }

    private static List<Entry> load() {
        try (InputStream in = HostPackages.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + HostPackages.class.getName());
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of the file's lines: blank lines and {@code #} comments are skipped. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        Set<String> programs = new LinkedHashSet<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] columns = text.split("\\s+", 4);
            if (columns.length < 4) {
                throw new IllegalStateException(RESOURCE + ":" + number + ": four columns expected (program, package,"
                        + " features, why): " + text);
            }
            String program = columns[0].equals("-") ? null : columns[0];
            if (program != null && !programs.add(program)) {
                throw new IllegalStateException(RESOURCE + ":" + number + ": " + program + " is listed twice");
            }
            Set<Feature> features = EnumSet.noneOf(Feature.class);
            for (String word : columns[2].split(",")) {
                try {
                    features.add(Feature.ofWord(word));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(RESOURCE + ":" + number + ": " + e.getMessage(), e);
                }
            }
            out.add(new Entry(program, columns[1], features, columns[3]));
        }
        return List.copyOf(out);
    }
}
