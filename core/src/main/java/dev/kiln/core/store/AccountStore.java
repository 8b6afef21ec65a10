package dev.kiln.core.store;

import java.util.List;
import java.util.Optional;

/** Accounts and their access keys. */
public interface AccountStore {

    /** Creates an account with a new random 12-digit id. */
    Account createAccount(String name);

    List<Account> accounts();

    Optional<Account> account(String id);

    /** Creates an access key (AKIA... id, 40-character secret) for an account. */
    AccessKey createKey(String accountId);

    Optional<AccessKey> key(String accessKeyId);

    List<AccessKey> keys(String accountId);

    /** @return false when no such key exists */
    boolean revokeKey(String accessKeyId);
}
