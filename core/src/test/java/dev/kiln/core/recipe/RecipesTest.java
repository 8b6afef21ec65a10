package dev.kiln.core.recipe;

import static dev.kiln.core.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.resource.Json;
import dev.kiln.core.resource.References;
import dev.kiln.core.store.ResourceQuery;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import dev.kiln.core.testing.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RecipesTest {
    private final CallContext me = new CallContext("111111111111", "us-east-1", "r");

    /** A store where another create takes the version first, the first {@code races} times. */
    private static final class RacingStore implements ResourceStore {
        final InMemoryStore delegate = new InMemoryStore();
        final AtomicInteger races;

        RacingStore(int races) {
            this.races = new AtomicInteger(races);
        }

        @Override
        public void insert(StoredResource resource) {
            if (races.getAndDecrement() > 0) {
                delegate.insert(resource);
            }
            delegate.insert(resource);
        }

        @Override
        public StoredResource insertNextBuild(StoredResource withoutBuild) {
            return delegate.insertNextBuild(withoutBuild);
        }

        @Override
        public Optional<StoredResource> get(String arn) {
            return delegate.get(arn);
        }

        @Override
        public List<StoredResource> list(ResourceQuery query) {
            return delegate.list(query);
        }

        @Override
        public List<StoredResource> listOfType(String type) {
            return delegate.listOfType(type);
        }

        @Override
        public boolean update(StoredResource resource) {
            return delegate.update(resource);
        }

        @Override
        public Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change) {
            return delegate.modify(arn, change);
        }

        @Override
        public boolean delete(String arn) {
            return delegate.delete(arn);
        }
    }

    private static StoredResource create(Recipes recipes, CallContext ctx, String name, String version) {
        return recipes.create(ctx, name, RecipeVersions.parse(version), RecipeWorld.NOW,
                (arn, v) -> Json.object().put("arn", arn.toString()).put("name", name).put("version", v));
    }

    @Test
    void anAutomaticVersionLostToAConcurrentCreateTakesTheNextOne() {
        RacingStore store = new RacingStore(2);
        Recipes recipes = new Recipes(Recipes.Kind.IMAGE, store, new References(store));
        StoredResource created = create(recipes, me, "raced", "1.0.x");
        assertThat(created.version()).isEqualTo("1.0.2");
        assertThat(created.arn()).isEqualTo("arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/raced/1.0.2");
        assertThat(created.body().path("version").asText()).isEqualTo("1.0.2");
    }

    @Test
    void aPlainVersionLostToAConcurrentCreateIsAlreadyThere() {
        RacingStore store = new RacingStore(1);
        Recipes recipes = new Recipes(Recipes.Kind.CONTAINER, store, new References(store));
        assertError(() -> create(recipes, me, "raced", "1.0.0"), ErrorType.ResourceAlreadyExistsException)
                .hasMessageContaining("The container recipe arn:aws:imagebuilder:us-east-1:111111111111:"
                        + "container-recipe/raced/1.0.0 already exists");
    }

    @Test
    void concurrentCreatesWithXAllGetTheirOwnVersion() throws Exception {
        InMemoryStore store = new InMemoryStore();
        Recipes recipes = new Recipes(Recipes.Kind.IMAGE, store, new References(store));
        int threads = 12;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<String> task = () -> {
                    start.await();
                    return create(recipes, me, "busy", "2.x.x").version();
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            List<String> versions = new ArrayList<>();
            for (Future<String> f : results) {
                versions.add(f.get());
            }
            assertThat(versions).doesNotHaveDuplicates().hasSize(threads)
                    .allMatch(v -> v.matches("2\\.([0-9]|1[01])\\.0"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void recipesOfOneKindAreNotFoundAsTheOther() {
        InMemoryStore store = new InMemoryStore();
        Recipes images = new Recipes(Recipes.Kind.IMAGE, store, new References(store));
        Recipes containers = new Recipes(Recipes.Kind.CONTAINER, store, new References(store));
        create(images, me, "same", "1.0.0");
        create(containers, me, "same", "1.0.0");
        assertThat(images.find(me, "arn:aws:imagebuilder:us-east-1:111111111111:image-recipe/same/x.x.x").type())
                .isEqualTo("image-recipe");
        ObjectNode listed = containers.list(me, Json.object(), java.util.Map.of(), r -> Json.object()
                .put("arn", r.arn()));
        assertThat(listed.path("containerRecipeSummaryList").findValuesAsText("arn"))
                .containsExactly("arn:aws:imagebuilder:us-east-1:111111111111:container-recipe/same/1.0.0");
    }
}
