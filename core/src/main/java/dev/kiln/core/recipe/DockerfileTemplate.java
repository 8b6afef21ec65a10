package dev.kiln.core.recipe;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container recipe's Dockerfile template: Dockerfile text with Image Builder's contextual variables
 * {@code {{{ imagebuilder:parentImage }}}}, {@code {{{ imagebuilder:environments }}}} and
 * {@code {{{ imagebuilder:components }}}}, which the build replaces with the parent image, the
 * environment the components need and the steps that run them.
 *
 * <p>What is checked when a recipe is created: the template names the parent image (else the recipe's
 * parentImage would mean nothing), and every {@code imagebuilder:} variable is one of the three, so a
 * misspelt variable is refused now rather than failing the build. Templates without
 * {@code imagebuilder:components} are accepted, as AWS accepts them.
 *
 * <p>At build time {@link #render} splits the template where the components run: Kiln runs them with
 * its own engine in a working container (their output goes to Kiln's build log), so the Dockerfile
 * lines before that point are one Dockerfile build and the lines after it another, on top of the
 * image the components made. {@code imagebuilder:environments} expands to nothing: the engine needs
 * nothing installed or set in the image.
 */
public final class DockerfileTemplate {
    static final String PARENT_IMAGE = "parentImage";
    static final String COMPONENTS = "components";
    static final Set<String> VARIABLES = Set.of(PARENT_IMAGE, "environments", COMPONENTS);
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\{\\s*imagebuilder:([A-Za-z0-9_-]*)\\s*}}}");

    private DockerfileTemplate() {
    }

    /**
     * The template with its variables expanded, split where the components run.
     *
     * @param before          the Dockerfile up to the components (it starts FROM the parent image)
     * @param after           the Dockerfile lines after the components, without a FROM, or blank
     * @param afterFirstLine  the template line number {@code after} starts at (for error messages)
     * @param namesComponents false when the template has no {@code imagebuilder:components}; Kiln then
     *                        runs the components after the whole template
     */
    public record Rendered(String before, String after, int afterFirstLine, boolean namesComponents) {
        /** True when lines after the components do something (not only blank lines and comments). */
        public boolean hasInstructionsAfter() {
            return after.lines().map(String::strip).anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
        }
    }

    /**
     * Expands the variables and splits the template at {@code {{{ imagebuilder:components }}}}.
     *
     * @throws IllegalArgumentException naming the line when the template uses an unknown variable, puts
     *         the components placeholder on a line with other text, or names it twice
     */
    public static Rendered render(String template, String parentImage) {
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        int afterFirstLine = 0;
        boolean seen = false;
        String[] lines = template.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            Matcher m = VARIABLE.matcher(line);
            StringBuilder expanded = new StringBuilder();
            boolean components = false;
            while (m.find()) {
                String name = m.group(1);
                switch (name) {
                    case PARENT_IMAGE -> m.appendReplacement(expanded, Matcher.quoteReplacement(parentImage));
                    case "environments" -> m.appendReplacement(expanded, "");
                    case COMPONENTS -> {
                        if (!line.strip().equals(m.group())) {
                            throw new IllegalArgumentException("line " + number + " of the Dockerfile template: {{{ "
                                    + "imagebuilder:components }}} must stand alone on its line");
                        }
                        if (seen) {
                            throw new IllegalArgumentException("line " + number + " of the Dockerfile template names"
                                    + " {{{ imagebuilder:components }}} a second time; the components run once");
                        }
                        components = true;
                        m.appendReplacement(expanded, "");
                    }
                    default -> throw new IllegalArgumentException("line " + number + " of the Dockerfile template: {{{ "
                            + "imagebuilder:" + name + " }}} is not a variable Image Builder defines");
                }
            }
            m.appendTail(expanded);
            if (components) {
                seen = true;
                afterFirstLine = number + 1;
            } else {
                (seen ? after : before).append(expanded).append('\n');
            }
        }
        return new Rendered(before.toString(), after.toString(), seen ? afterFirstLine : lines.length + 1, seen);
    }

    /** The contextual variables the template uses, in order of first use. */
    static Set<String> variables(String template) {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    /** Refuses a template without the parent image or with variables Image Builder does not define. */
    static void check(String template, String member) {
        Set<String> used = variables(template);
        List<String> problems = new ArrayList<>();
        for (String v : used) {
            if (!VARIABLES.contains(v)) {
                String hint = VARIABLES.stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(v.toLowerCase(Locale.ROOT))
                        || k.startsWith(v) || v.startsWith(k)).findFirst().map(k -> " (did you mean imagebuilder:" + k + "?)")
                        .orElse("");
                problems.add("{{{ imagebuilder:" + v + " }}} is not a variable Image Builder defines" + hint
                        + "; the variables are imagebuilder:parentImage, imagebuilder:environments and"
                        + " imagebuilder:components");
            }
        }
        if (!used.contains(PARENT_IMAGE)) {
            problems.add("the template must build FROM {{{ imagebuilder:parentImage }}}, the recipe's parentImage");
        }
        if (!problems.isEmpty()) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + ": " + String.join("; ", problems));
        }
    }
}
