package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.IdempotencyStore.Remembered;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The behaviour of {@link IdempotencyStore}, run on each database by a subclass. */
abstract class IdempotencyStoreContract extends StoreFixture {
    private static final String OP = "CreateComponent";
    private static final String TOKEN = "3f2b7a4e-2c1d-4e5f-9a8b-7c6d5e4f3a2b";

    private IdempotencyStore store() {
        return db.idempotency();
    }

    @Test
    void unknownTokenIsEmpty() {
        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN)).isEmpty();
    }

    @Test
    void rememberedAnswerIsFound() {
        Remembered kept = store().remember(ACCOUNT, REGION, OP, TOKEN, "hash-1", "{\"requestId\":\"r1\"}");

        assertThat(kept).isEqualTo(new Remembered("hash-1", "{\"requestId\":\"r1\"}"));
        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN)).contains(kept);
    }

    @Test
    void secondRememberOfATokenAnswersTheFirstRecord() {
        store().remember(ACCOUNT, REGION, OP, TOKEN, "hash-1", "{\"first\":true}");

        Remembered kept = store().remember(ACCOUNT, REGION, OP, TOKEN, "hash-2", "{\"second\":true}");

        assertThat(kept).isEqualTo(new Remembered("hash-1", "{\"first\":true}"));
        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN)).contains(kept);
    }

    @Test
    void tokensAreKeptApartByAccountRegionAndOperation() {
        store().remember(ACCOUNT, REGION, OP, TOKEN, "h", "{\"n\":1}");
        store().remember("210987654321", REGION, OP, TOKEN, "h", "{\"n\":2}");
        store().remember(ACCOUNT, "eu-west-1", OP, TOKEN, "h", "{\"n\":3}");
        store().remember(ACCOUNT, REGION, "CreateImageRecipe", TOKEN, "h", "{\"n\":4}");

        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN).orElseThrow().responseJson()).isEqualTo("{\"n\":1}");
        assertThat(store().find("210987654321", REGION, OP, TOKEN).orElseThrow().responseJson())
                .isEqualTo("{\"n\":2}");
        assertThat(store().find(ACCOUNT, "eu-west-1", OP, TOKEN).orElseThrow().responseJson())
                .isEqualTo("{\"n\":3}");
        assertThat(store().find(ACCOUNT, REGION, "CreateImageRecipe", TOKEN).orElseThrow().responseJson())
                .isEqualTo("{\"n\":4}");
        assertThat(store().find(ACCOUNT, REGION, OP, "other-token")).isEmpty();
    }

    @Test
    void concurrentRemembersOfOneTokenAgreeOnOneAnswer() throws Exception {
        for (int round = 0; round < 5; round++) {
            String token = "race-" + round;
            AtomicInteger caller = new AtomicInteger();
            List<Outcome<Remembered>> outcomes = concurrently(8, () -> {
                int n = caller.incrementAndGet();
                return store().remember(ACCOUNT, REGION, OP, token, "hash-" + n, "{\"caller\":" + n + "}");
            });

            assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
            Remembered winner = outcomes.get(0).value();
            assertThat(outcomes).allSatisfy(o -> assertThat(o.value()).isEqualTo(winner));
            assertThat(store().find(ACCOUNT, REGION, OP, token)).contains(winner);
        }
    }

    @Test
    void largeAnswersAreKeptWhole() {
        String response = "{\"data\":\"" + "é中😀".repeat(20_000) + "\"}";

        store().remember(ACCOUNT, REGION, OP, TOKEN, "h", response);

        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN).orElseThrow().responseJson()).isEqualTo(response);
    }

    @Test
    void tokenLongerThanKeptIsInvalidParameterValue() {
        assertThatThrownBy(() -> store().remember(ACCOUNT, REGION, OP, "t".repeat(200), "h", "{}"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.InvalidParameterValueException));
    }

    @Test
    void rememberedAnswersSurviveARestart() {
        store().remember(ACCOUNT, REGION, OP, TOKEN, "hash-1", "{\"kept\":true}");

        restart();

        assertThat(store().find(ACCOUNT, REGION, OP, TOKEN)).contains(new Remembered("hash-1", "{\"kept\":true}"));
    }
}
