package dev.kiln.core.store;

import java.time.Instant;

/** A Kiln account: a 12-digit id, like an AWS account. */
public record Account(String id, String name, Instant createdAt) {
}
