package dev.kiln.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The behaviour of {@link AccountStore}, run on each database by a subclass. */
abstract class AccountStoreContract extends StoreFixture {

    private AccountStore store() {
        return db.accounts();
    }

    @Test
    void accountIdsAreTwelveDigitsNotStartingWithZero() {
        List<Account> created = IntStream.range(0, 200).mapToObj(i -> store().createAccount("a" + i)).toList();

        assertThat(created).allSatisfy(a -> assertThat(a.id()).matches("[1-9][0-9]{11}"));
        assertThat(created.stream().map(Account::id).distinct()).hasSize(200);
        Set<Character> firstDigits = new HashSet<>();
        created.forEach(a -> firstDigits.add(a.id().charAt(0)));
        assertThat(firstDigits).as("first digits are spread over 1-9").hasSizeGreaterThan(3);
    }

    @Test
    void createdAccountIsFoundAndListedInCreationOrder() {
        Account first = store().createAccount("first");
        Account second = store().createAccount("second");
        Account unnamed = store().createAccount(null);

        assertThat(store().account(first.id())).contains(first);
        assertThat(store().account(unnamed.id()).orElseThrow().name()).isNull();
        assertThat(store().accounts()).containsExactly(first, second, unnamed);
        assertThat(store().account("999999999999")).isEmpty();
    }

    @Test
    void accessKeysLookLikeAwsKeys() {
        Account account = store().createAccount("keys");

        List<AccessKey> keys = IntStream.range(0, 50).mapToObj(i -> store().createKey(account.id())).toList();

        assertThat(keys).allSatisfy(k -> {
            assertThat(k.accessKeyId()).matches("AKIA[A-Z0-9]{16}");
            assertThat(k.secretAccessKey()).hasSize(40).matches("[A-Za-z0-9+/]{40}");
            assertThat(k.accountId()).isEqualTo(account.id());
            assertThat(k.active()).isTrue();
            assertThat(k.createdAt()).isNotNull();
        });
        assertThat(keys.stream().map(AccessKey::accessKeyId).distinct()).hasSize(50);
        assertThat(keys.stream().map(AccessKey::secretAccessKey).distinct()).hasSize(50);
    }

    @Test
    void createdKeyIsFoundByIdAndListedWithItsAccountOnly() {
        Account a = store().createAccount("a");
        Account b = store().createAccount("b");
        AccessKey a1 = store().createKey(a.id());
        AccessKey a2 = store().createKey(a.id());
        AccessKey b1 = store().createKey(b.id());

        assertThat(store().key(a1.accessKeyId())).contains(a1);
        assertThat(store().keys(a.id())).containsExactly(a1, a2);
        assertThat(store().keys(b.id())).containsExactly(b1);
        assertThat(store().key("AKIAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(store().keys("999999999999")).isEmpty();
    }

    @Test
    void keyForAnUnknownAccountIsResourceNotFound() {
        assertThatThrownBy(() -> store().createKey("999999999999"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.type()).isEqualTo(ErrorType.ResourceNotFoundException))
                .hasMessageContaining("999999999999");
    }

    @Test
    void revokedKeyIsInactiveAndStillKnown() {
        Account account = store().createAccount("revoke");
        AccessKey revoked = store().createKey(account.id());
        AccessKey kept = store().createKey(account.id());

        assertThat(store().revokeKey(revoked.accessKeyId())).isTrue();

        assertThat(store().key(revoked.accessKeyId()).orElseThrow().active()).isFalse();
        assertThat(store().key(kept.accessKeyId()).orElseThrow().active()).isTrue();
        assertThat(store().keys(account.id())).extracting(AccessKey::active).containsExactly(false, true);
        assertThat(store().revokeKey(revoked.accessKeyId())).as("revoking twice finds the key").isTrue();
    }

    @Test
    void revokingAnUnknownKeyIsFalse() {
        assertThat(store().revokeKey("AKIAAAAAAAAAAAAAAAAA")).isFalse();
    }

    @Test
    void accountsAndKeysSurviveARestart() {
        Account account = store().createAccount("kept");
        AccessKey key = store().createKey(account.id());
        AccessKey revoked = store().createKey(account.id());
        store().revokeKey(revoked.accessKeyId());

        restart();

        assertThat(store().account(account.id())).contains(account);
        assertThat(store().key(key.accessKeyId())).contains(key);
        assertThat(store().key(revoked.accessKeyId()).orElseThrow().active()).isFalse();
    }
}
