package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecipeComponentsTest {
    private final RecipeWorld w = new RecipeWorld();
    private String hello;
    private String needsToken;

    @BeforeEach
    void setUp() {
        hello = w.component(w.me, "hello", "1.0.0", RecipeWorld.BUILD_DOC);
        needsToken = w.component(w.me, "token", "1.0.0", RecipeWorld.NEEDS_TOKEN_DOC);
    }

    private static ArrayNode components(String... arns) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (String arn : arns) {
            list.addObject().put("componentArn", arn);
        }
        return list;
    }

    private static ArrayNode parameters(ArrayNode components, int index) {
        return ((ObjectNode) components.get(index)).putArray("parameters");
    }

    private static void set(ArrayNode parameters, String name, String... values) {
        ArrayNode v = parameters.addObject().put("name", name).putArray("value");
        for (String value : values) {
            v.add(value);
        }
    }

    @Test
    void entriesCarryTheArnAsGivenAndTheBuildItSelectsNow() {
        w.component(w.me, "hello", "1.1.0", RecipeWorld.BUILD_DOC);
        String wildcard = "arn:aws:imagebuilder:us-east-1:111111111111:component/hello/x.x.x";
        ArrayNode list = components(wildcard, needsToken);
        set(parameters(list, 1), "Token", "secret");
        List<RecipeComponents.Entry> entries = RecipeComponents.check(w.store, w.me, list);
        assertThat(entries).extracting(RecipeComponents.Entry::componentArn).containsExactly(wildcard, needsToken);
        assertThat(entries.get(0).component().arn()).endsWith("/hello/1.1.0/1");
        assertThat(entries.get(0).type()).isEqualTo("BUILD");
        assertThat(entries.get(0).platform()).isEqualTo("Linux");
        assertThat(entries.get(1).index()).isEqualTo(1);
        assertThat(RecipeComponents.check(w.store, w.me, null)).isEmpty();
    }

    @Test
    void valuesMustSuitTheParameterTypes() {
        ArrayNode list = components(hello);
        ArrayNode p = parameters(list, 0);
        set(p, "Greeting", "hi", "there");
        set(p, "Count", "many");
        set(p, "Verbose", "yes");
        set(p, "Names");
        assertError(() -> RecipeComponents.check(w.store, w.me, list), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[0].parameters[0].value: parameter 'Greeting' is of type String and"
                        + " takes exactly one value; 2 were given")
                .hasMessageContaining("components[0].parameters[1].value: parameter 'Count' is of type Integer, and"
                        + " 'many' is not an integer")
                .hasMessageContaining("components[0].parameters[2].value: parameter 'Verbose' is of type Boolean,"
                        + " and 'yes' is not true or false")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'Names'"));
        ArrayNode good = components(hello);
        ArrayNode q = parameters(good, 0);
        set(q, "Count", "-3");
        set(q, "Verbose", "TRUE");
        set(q, "Names");
        assertThat(RecipeComponents.check(w.store, w.me, good)).hasSize(1);
    }

    @Test
    void parametersMustBeDefinedOnceAndThoseWithoutDefaultsGiven() {
        ArrayNode list = components(hello, needsToken, needsToken);
        ArrayNode p0 = parameters(list, 0);
        set(p0, "Greeting", "a");
        set(p0, "Greeting", "b");
        set(parameters(list, 2), "Tokn", "x");
        assertError(() -> RecipeComponents.check(w.store, w.me, list), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[0].parameters[1].name: parameter 'Greeting' is given more than once")
                .hasMessageContaining("components[1].parameters: the component " + needsToken
                        + " has parameter 'Token' without a default value; give it a value")
                .hasMessageContaining("components[2].parameters[0].name: the component " + needsToken
                        + " has no parameter 'Tokn'; its parameters are Token");
        String plain = w.component(w.me, "plain", "1.0.0", RecipeWorld.TEST_DOC);
        ArrayNode none = components(hello, plain);
        set(parameters(none, 1), "Anything", "x");
        assertError(() -> RecipeComponents.check(w.store, w.me, none), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[1].parameters[0].name")
                .hasMessageContaining("it takes no parameters");
    }

    @Test
    void arnsMustNameAVersionOrABuild() {
        assertError(() -> RecipeComponents.check(w.store, w.me,
                        components("arn:aws:imagebuilder:us-east-1:111111111111:component/hello")),
                ErrorType.InvalidParameterValueException, "must name a component version");
        assertError(() -> RecipeComponents.check(w.store, w.me,
                        components("arn:aws:imagebuilder:us-east-1:111111111111:component/hello/x.x.x/1")),
                ErrorType.InvalidParameterValueException, "components[0].componentArn");
        assertError(() -> RecipeComponents.check(w.store, w.me, components("not an arn")),
                ErrorType.InvalidParameterValueException, "components[0].componentArn 'not an arn'");
    }

    @Test
    void componentsMustBeForThePlatform() {
        String windows = w.component(w.me, "win", "1.0.0", RecipeWorld.WINDOWS_DOC, "Windows");
        List<RecipeComponents.Entry> entries = RecipeComponents.check(w.store, w.me, components(hello, windows));
        RecipeComponents.checkPlatform(entries.subList(0, 1), "Linux");
        assertError(() -> RecipeComponents.checkPlatform(entries, "Linux"), ErrorType.InvalidParameterValueException)
                .hasMessageContaining("components[1].componentArn '" + windows + "': the component is for Windows");
    }
}
