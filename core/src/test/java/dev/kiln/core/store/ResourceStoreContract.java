package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The behaviour of {@link ResourceStore}, run on each database by a subclass. */
abstract class ResourceStoreContract extends StoreFixture {

    private ResourceStore store() {
        return db.resources();
    }

    @Test
    void insertedResourceIsAnsweredAsStored() {
        StoredResource r = component("Hello World", "1.2.3");
        store().insert(r);

        StoredResource got = store().get(r.arn()).orElseThrow();
        assertThat(got.arn()).isEqualTo(r.arn());
        assertThat(got.accountId()).isEqualTo(ACCOUNT);
        assertThat(got.region()).isEqualTo(REGION);
        assertThat(got.type()).isEqualTo("component");
        assertThat(got.name()).isEqualTo("Hello World");
        assertThat(got.version()).isEqualTo("1.2.3");
        assertThat(got.build()).isNull();
        assertThat(got.createdAt()).isEqualTo(r.createdAt().truncatedTo(ChronoUnit.MICROS));
        assertThat(got.body()).isEqualTo(r.body());
    }

    @Test
    void unversionedResourceHasNoVersionOrBuild() {
        StoredResource r = unversioned(REGION, ACCOUNT, "infrastructure-configuration", "infra");
        store().insert(r);

        StoredResource got = store().get(r.arn()).orElseThrow();
        assertThat(got.version()).isNull();
        assertThat(got.build()).isNull();
        assertThat(got.body()).isEqualTo(r.body());
    }

    @Test
    void bodyKeepsNestingUnicodeAndLargeText() {
        StoredResource r = component("big", "1.0.0");
        r.body().put("data", "é中😀 'quotes' \"double\" \\ ; DROP TABLE resources; --\n".repeat(3_000));
        r.body().putObject("nested").putArray("list").add(1).add(2.5).add(true).addNull();
        store().insert(r);

        assertThat(store().get(r.arn()).orElseThrow().body()).isEqualTo(r.body());
    }

    @Test
    void unknownArnIsEmpty() {
        assertThat(store().get("arn:aws:imagebuilder:us-east-1:123456789012:component/none/1.0.0/1")).isEmpty();
    }

    @Test
    void insertOfAnExistingArnIsResourceAlreadyExists() {
        StoredResource first = component("dup", "1.0.0");
        store().insert(first);
        StoredResource second = new StoredResource(first.arn(), ACCOUNT, REGION, "component", "dup", "1.0.0",
                null, Instant.now(), JSON.createObjectNode().put("other", true));

        assertThatThrownBy(() -> store().insert(second))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.ResourceAlreadyExistsException))
                .hasMessageContaining(first.arn());
        assertThat(store().get(first.arn()).orElseThrow().body()).isEqualTo(first.body());
    }

    @Test
    void concurrentInsertsOfOneArnHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            StoredResource r = component("race", "1.0." + round);
            List<Outcome<Boolean>> outcomes = concurrently(8, () -> {
                store().insert(r);
                return true;
            });

            assertThat(outcomes).filteredOn(o -> o.error() == null).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o.error() != null).hasSize(7).allSatisfy(o ->
                    assertThat(o.error()).isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.type()).isEqualTo(ErrorType.ResourceAlreadyExistsException)));
        }
    }

    @Test
    void insertNextBuildNumbersFromOneAndPutsTheArnInTheBody() {
        StoredResource v = component("builds", "1.0.0");

        StoredResource first = store().insertNextBuild(v);
        StoredResource second = store().insertNextBuild(v);

        assertThat(first.build()).isEqualTo(1);
        assertThat(first.arn()).isEqualTo(v.arn() + "/1");
        assertThat(first.body().get("arn").asText()).isEqualTo(v.arn() + "/1");
        assertThat(first.body().get("name").asText()).isEqualTo("builds");
        assertThat(second.build()).isEqualTo(2);
        assertThat(second.arn()).isEqualTo(v.arn() + "/2");
        assertThat(store().get(v.arn() + "/2")).contains(second);
        assertThat(v.body().has("arn")).as("the caller's body is not changed").isFalse();
    }

    @Test
    void insertNextBuildCountsEachVersionOfEachNameInEachAccountAndRegionApart() {
        store().insertNextBuild(component("a", "1.0.0"));
        store().insertNextBuild(component("a", "1.0.0"));

        assertThat(store().insertNextBuild(component("a", "1.0.1")).build()).isEqualTo(1);
        assertThat(store().insertNextBuild(component("b", "1.0.0")).build()).isEqualTo(1);
        assertThat(store().insertNextBuild(versioned(REGION, "210987654321", "component", "a", "1.0.0")).build())
                .isEqualTo(1);
        assertThat(store().insertNextBuild(versioned("eu-west-1", ACCOUNT, "component", "a", "1.0.0")).build())
                .isEqualTo(1);
        assertThat(store().insertNextBuild(versioned(REGION, ACCOUNT, "image", "a", "1.0.0")).build())
                .isEqualTo(1);
        assertThat(store().insertNextBuild(component("a", "1.0.0")).build()).isEqualTo(3);
    }

    @Test
    void concurrentInsertNextBuildsGetOneToEightWithoutGapsOrDuplicates() throws Exception {
        for (int round = 0; round < 5; round++) {
            StoredResource v = component("parallel", "2.0." + round);
            List<Outcome<StoredResource>> outcomes = concurrently(8, () -> store().insertNextBuild(v));

            assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
            assertThat(outcomes.stream().map(o -> o.value().build()).sorted())
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "parallel", "2.0." + round)))
                    .extracting(StoredResource::build)
                    .containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        }
    }

    @Test
    void insertNextBuildRefusesAGivenBuildOrNoVersion() {
        StoredResource v = component("x", "1.0.0");
        StoredResource withBuild = new StoredResource(v.arn() + "/1", ACCOUNT, REGION, "component", "x", "1.0.0",
                1, Instant.now(), v.body());
        assertThatThrownBy(() -> store().insertNextBuild(withBuild)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().insertNextBuild(unversioned(REGION, ACCOUNT, "image-pipeline", "p")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void insertOfABuildVersionIsCountedByInsertNextBuild() {
        StoredResource v = component("imported", "1.0.0");
        store().insert(new StoredResource(v.arn() + "/4", ACCOUNT, REGION, "component", "imported", "1.0.0", 4,
                Instant.now(), v.body()));

        assertThat(store().insertNextBuild(v).build()).isEqualTo(5);
    }

    @Test
    void malformedVersionIsInvalidVersionNumber() {
        for (String version : List.of("1.0", "1.0.0.0", "a.b.c", "1.x.0", "99999999999.0.0", "-1.0.0")) {
            StoredResource r = new StoredResource("arn:aws:imagebuilder:us-east-1:123456789012:component/v/"
                    + version, ACCOUNT, REGION, "component", "v", version, null, Instant.now(),
                    JSON.createObjectNode());
            assertThatThrownBy(() -> store().insert(r)).as(version)
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.type()).isEqualTo(ErrorType.InvalidVersionNumberException));
        }
    }

    @Test
    void valueLongerThanAColumnIsInvalidParameterValue() {
        StoredResource r = component("n".repeat(300), "1.0.0");

        assertThatThrownBy(() -> store().insert(r))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.InvalidParameterValueException));
    }

    @Test
    void listAnswersNewestVersionFirstNumericallyThenNewestBuild() {
        for (String version : List.of("1.9.0", "1.10.0", "0.0.1", "10.0.0", "2.0.0", "1.9.10", "1.9.2")) {
            store().insertNextBuild(component("sorted", version));
        }
        store().insertNextBuild(component("sorted", "1.10.0"));
        store().insertNextBuild(component("sorted", "1.10.0"));

        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "sorted", null)))
                .extracting(r -> r.version() + "/" + r.build())
                .containsExactly("10.0.0/1", "2.0.0/1", "1.10.0/3", "1.10.0/2", "1.10.0/1", "1.9.10/1",
                        "1.9.2/1", "1.9.0/1", "0.0.1/1");
    }

    @Test
    void listFindsOnlyItsRegionAccountTypeAndName() {
        store().insert(component("mine", "1.0.0"));
        store().insert(component("other", "1.0.0"));
        store().insert(versioned("eu-west-1", ACCOUNT, "component", "mine", "1.0.0"));
        store().insert(versioned(REGION, "210987654321", "component", "mine", "1.0.0"));
        store().insert(versioned(REGION, ACCOUNT, "image-recipe", "mine", "1.0.0"));

        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "mine", null)))
                .extracting(StoredResource::arn)
                .containsExactly("arn:aws:imagebuilder:us-east-1:123456789012:component/mine/1.0.0");
        assertThat(store().list(ResourceQuery.all(REGION, ACCOUNT, "component")))
                .extracting(StoredResource::name)
                .containsExactly("mine", "other");
        assertThat(store().list(ResourceQuery.all(REGION, ACCOUNT, "image"))).isEmpty();
    }

    @Test
    void listOfTypeSpansRegionsAndAccounts() {
        store().insert(component("mine", "1.0.0"));
        store().insert(versioned("eu-west-1", ACCOUNT, "component", "mine", "1.0.0"));
        store().insert(versioned(REGION, "210987654321", "component", "mine", "1.0.0"));
        store().insert(versioned(REGION, ACCOUNT, "image-recipe", "mine", "1.0.0"));

        assertThat(store().listOfType("component")).extracting(StoredResource::arn).containsExactlyInAnyOrder(
                "arn:aws:imagebuilder:us-east-1:123456789012:component/mine/1.0.0",
                "arn:aws:imagebuilder:eu-west-1:123456789012:component/mine/1.0.0",
                "arn:aws:imagebuilder:us-east-1:210987654321:component/mine/1.0.0");
    }

    @Test
    void listNameIsExactAndCaseSensitive() {
        store().insert(component("Name", "1.0.0"));

        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "Name", null))).hasSize(1);
        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "name", null))).isEmpty();
        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "Nam%", null))).isEmpty();
    }

    @Test
    void listByVersionTakesAnExactVersionOrWildcards() {
        for (String version : List.of("2.2.4", "1.7.8", "1.6.8", "1.6.2")) {
            store().insertNextBuild(component("wild", version));
        }

        assertThat(versions("1.6.8")).containsExactly("1.6.8");
        assertThat(versions("x.x.x")).containsExactly("2.2.4", "1.7.8", "1.6.8", "1.6.2");
        assertThat(versions("1.x.x")).containsExactly("1.7.8", "1.6.8", "1.6.2");
        assertThat(versions("1.6.x")).containsExactly("1.6.8", "1.6.2");
        assertThat(versions("3.x.x")).isEmpty();
        for (String invalid : List.of("x.2.x", "1.x.8", "1.6", "latest")) {
            assertThatThrownBy(() -> versions(invalid)).as(invalid)
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.type()).isEqualTo(ErrorType.InvalidVersionNumberException));
        }
    }

    private List<String> versions(String version) {
        return store().list(new ResourceQuery(REGION, ACCOUNT, "component", "wild", version)).stream()
                .map(StoredResource::version)
                .toList();
    }

    @Test
    void listOfUnversionedResourcesIsByName() {
        for (String name : List.of("charlie", "alpha", "bravo")) {
            store().insert(unversioned(REGION, ACCOUNT, "distribution-configuration", name));
        }

        assertThat(store().list(ResourceQuery.all(REGION, ACCOUNT, "distribution-configuration")))
                .extracting(StoredResource::name)
                .containsExactly("alpha", "bravo", "charlie");
    }

    @Test
    void updateReplacesTheBodyAndKeepsTheRest() {
        StoredResource r = component("upd", "1.0.0");
        store().insert(r);
        ObjectNode newBody = JSON.createObjectNode().put("description", "changed");

        boolean updated = store().update(new StoredResource(r.arn(), ACCOUNT, REGION, "component", "upd", "1.0.0",
                null, Instant.now().plusSeconds(3_600), newBody));

        assertThat(updated).isTrue();
        StoredResource got = store().get(r.arn()).orElseThrow();
        assertThat(got.body()).isEqualTo(newBody);
        assertThat(got.createdAt()).isEqualTo(r.createdAt().truncatedTo(ChronoUnit.MICROS));
        assertThat(got.name()).isEqualTo("upd");
    }

    @Test
    void updateOfAnUnknownArnIsFalse() {
        StoredResource r = component("ghost", "1.0.0");

        assertThat(store().update(r)).isFalse();
        assertThat(store().get(r.arn())).isEmpty();
    }

    @Test
    void concurrentModifiesOfOneResourceLoseNoChange() throws Exception {
        StoredResource r = component("counter", "1.0.0");
        r.body().put("count", 0);
        store().insert(r);

        List<Outcome<Boolean>> outcomes = concurrently(8, () -> {
            for (int i = 0; i < 25; i++) {
                store().modify(r.arn(), body -> body.put("count", body.path("count").asInt() + 1));
            }
            return true;
        });

        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(store().get(r.arn()).orElseThrow().body().path("count").asInt()).isEqualTo(200);
    }

    @Test
    void modifyAnswersTheStoredResourceAndWritesNothingWhenTheChangeThrowsOrAnswersNull() {
        StoredResource r = component("mod", "1.0.0");
        store().insert(r);

        StoredResource changed = store().modify(r.arn(), body -> body.put("description", "changed")).orElseThrow();
        assertThatThrownBy(() -> store().modify(r.arn(), body -> {
            body.put("description", "lost");
            throw new IllegalStateException("refused");
        })).hasMessage("refused");
        StoredResource unchanged = store().modify(r.arn(), body -> null).orElseThrow();

        assertThat(changed.body().path("description").asText()).isEqualTo("changed");
        assertThat(unchanged.body()).isEqualTo(changed.body());
        assertThat(store().get(r.arn()).orElseThrow().body()).isEqualTo(changed.body());
        assertThat(store().modify("arn:aws:imagebuilder:us-east-1:123456789012:component/none/1.0.0/1",
                body -> body)).isEmpty();
    }

    @Test
    void deleteRemovesOnlyThatResource() {
        StoredResource v = component("del", "1.0.0");
        StoredResource b1 = store().insertNextBuild(v);
        StoredResource b2 = store().insertNextBuild(v);

        assertThat(store().delete(b1.arn())).isTrue();
        assertThat(store().delete(b1.arn())).isFalse();
        assertThat(store().get(b1.arn())).isEmpty();
        assertThat(store().get(b2.arn())).isPresent();
    }

    @Test
    void resourcesSurviveARestart() {
        StoredResource infra = unversioned(REGION, ACCOUNT, "infrastructure-configuration", "kept");
        store().insert(infra);
        StoredResource v = component("kept", "1.0.0");
        store().insertNextBuild(v);
        StoredResource b2 = store().insertNextBuild(v);

        restart();

        assertThat(store().get(infra.arn()).orElseThrow().body()).isEqualTo(infra.body());
        assertThat(store().get(b2.arn())).contains(b2);
        assertThat(store().list(new ResourceQuery(REGION, ACCOUNT, "component", "kept", "1.0.0")))
                .extracting(StoredResource::build).containsExactly(2, 1);
        assertThat(store().insertNextBuild(v).build()).isEqualTo(3);
        assertThatThrownBy(() -> store().insert(infra)).isInstanceOf(ApiException.class);
    }

    @Test
    void manyResourcesListInOrder() {
        IntStream.rangeClosed(1, 120).forEach(i -> store().insert(component("many", "1.0." + i)));

        List<StoredResource> all = store().list(new ResourceQuery(REGION, ACCOUNT, "component", "many", null));
        assertThat(all).hasSize(120);
        assertThat(all.get(0).version()).isEqualTo("1.0.120");
        assertThat(all.get(119).version()).isEqualTo("1.0.1");
    }
}
