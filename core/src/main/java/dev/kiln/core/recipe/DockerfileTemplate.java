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
 */
final class DockerfileTemplate {
    static final String PARENT_IMAGE = "parentImage";
    static final Set<String> VARIABLES = Set.of(PARENT_IMAGE, "environments", "components");
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\{\\s*imagebuilder:([A-Za-z0-9_-]*)\\s*}}}");

    private DockerfileTemplate() {
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
