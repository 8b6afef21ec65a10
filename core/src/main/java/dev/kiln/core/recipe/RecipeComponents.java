package dev.kiln.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.component.ComponentOperations;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.Versions;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A recipe's {@code components}, checked when the recipe is created; every problem is reported at once,
 * each with its path ({@code components[1].componentArn}).
 *
 * <ul>
 *   <li>Each {@code componentArn} names a component the caller may use (its own, or Kiln-managed with
 *       owner {@code aws}) in the caller's region: a version ARN, with {@code x} wildcards or not, or a
 *       build ARN. The ARN stays in the recipe as given, as AWS keeps it; a wildcard is resolved again
 *       by each build. The checks below use the build it selects now.</li>
 *   <li>{@code parameters} may only set parameters the component's document defines, each once;
 *       String, Integer and Boolean parameters take exactly one value of their type, StringList any
 *       number. A parameter without a default must be given a value, since AWSTOE could not run the
 *       component without one.</li>
 *   <li>At most 20 components. The model makes {@code components} optional (a recipe may just repackage
 *       its parent); when it is given, at least one must be a BUILD component ("Recipes require a
 *       minimum of one build component"). TEST components are allowed in image and container recipes
 *       alike, as the model documents for both.</li>
 *   <li>Every component must be for the recipe's platform ({@link #checkPlatform}).</li>
 * </ul>
 */
final class RecipeComponents {
    static final int MAX = 20;

    private RecipeComponents() {
    }

    /** One entry of {@code components}: where it is, the ARN as given, and the build it selects now. */
    record Entry(int index, String componentArn, StoredResource component) {
        String platform() {
            return Json.text(component.body(), "platform");
        }

        String type() {
            return component.body().path("type").asText("BUILD");
        }
    }

    /** Checks the components of a recipe; an absent list is an empty one. */
    static List<Entry> check(ResourceStore store, CallContext ctx, JsonNode components) {
        List<Entry> entries = new ArrayList<>();
        if (components == null || components.isNull() || components.isMissingNode()) {
            return entries;
        }
        List<String> problems = new ArrayList<>();
        if (components.size() > MAX) {
            problems.add("components: a recipe has at most " + MAX + " components; " + components.size()
                    + " were given");
        }
        for (int i = 0; i < components.size(); i++) {
            JsonNode item = components.get(i);
            String member = "components[" + i + "].componentArn";
            String text = item.path("componentArn").asText("");
            Optional<StoredResource> component = resolve(store, ctx, text, member, problems);
            if (component.isEmpty()) {
                continue;
            }
            entries.add(new Entry(i, text, component.get()));
            checkParameters(i, component.get(), item.path("parameters"), problems);
        }
        if (problems.isEmpty() && !entries.isEmpty() && entries.stream().noneMatch(e -> e.type().equals("BUILD"))) {
            problems.add("components: a recipe needs at least one BUILD component; every one given is a TEST"
                    + " component");
        }
        throwIfAny(problems);
        return entries;
    }

    /** Refuses components that are not for the recipe's platform. */
    static void checkPlatform(List<Entry> entries, String platform) {
        List<String> problems = new ArrayList<>();
        for (Entry e : entries) {
            if (e.platform() != null && !e.platform().equals(platform)) {
                problems.add("components[" + e.index() + "].componentArn '" + e.componentArn()
                        + "': the component is for " + e.platform() + ", and this recipe builds a " + platform
                        + " image");
            }
        }
        throwIfAny(problems);
    }

    private static Optional<StoredResource> resolve(ResourceStore store, CallContext ctx, String text, String member,
                                                    List<String> problems) {
        Arn arn;
        try {
            arn = Versions.parseArn(text, ComponentOperations.TYPE, member);
        } catch (ApiException e) {
            if (e.type() != ErrorType.InvalidParameterValueException) {
                throw e;
            }
            problems.add(e.getMessage());
            return Optional.empty();
        }
        if (arn.version() == null || (arn.build() != null && arn.hasWildcard())) {
            problems.add(member + " '" + text + "' must name a component version (1.0.0, or 1.x.x for the newest)"
                    + " or a build version (1.0.0/1)");
            return Optional.empty();
        }
        Optional<StoredResource> found = Versions.matching(store, ctx, arn).stream().findFirst();
        if (found.isEmpty()) {
            problems.add(member + " '" + text + "': no such component exists in " + ctx.region()
                    + " for this account or among Kiln-managed components (owner aws)");
        }
        return found;
    }

    private static void checkParameters(int index, StoredResource component, JsonNode given, List<String> problems) {
        Map<String, JsonNode> defined = new LinkedHashMap<>();
        component.body().path("parameters").forEach(p -> defined.put(p.path("name").asText(), p));
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < given.size(); j++) {
            JsonNode p = given.get(j);
            String member = "components[" + index + "].parameters[" + j + "]";
            String name = p.path("name").asText("");
            JsonNode definition = defined.get(name);
            if (definition == null) {
                problems.add(member + ".name: the component " + component.arn() + " has no parameter '" + name + "'"
                        + (defined.isEmpty() ? "; it takes no parameters"
                        : "; its parameters are " + String.join(", ", defined.keySet())));
                continue;
            }
            if (!seen.add(name)) {
                problems.add(member + ".name: parameter '" + name + "' is given more than once");
                continue;
            }
            checkValue(member + ".value", name, definition.path("type").asText("String"), p.path("value"), problems);
        }
        defined.forEach((name, definition) -> {
            if (!seen.contains(name) && !definition.path("defaultValue").isArray()) {
                problems.add("components[" + index + "].parameters: the component " + component.arn()
                        + " has parameter '" + name + "' without a default value; give it a value");
            }
        });
    }

    private static void checkValue(String member, String name, String type, JsonNode values, List<String> problems) {
        if (type.equals("StringList")) {
            return;
        }
        if (values.size() != 1) {
            problems.add(member + ": parameter '" + name + "' is of type " + type + " and takes exactly one value; "
                    + values.size() + " were given");
            return;
        }
        String value = values.get(0).asText();
        boolean ok = switch (type) {
            case "Integer" -> value.matches("[-+]?[0-9]+");
            case "Boolean" -> Set.of("true", "false").contains(value.toLowerCase(Locale.ROOT));
            default -> true;
        };
        if (!ok) {
            problems.add(member + ": parameter '" + name + "' is of type " + type + ", and '" + value + "' is not "
                    + (type.equals("Integer") ? "an integer" : "true or false"));
        }
    }

    private static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ApiException(ErrorType.InvalidParameterValueException, String.join("; ", problems));
        }
    }
}
