package dev.kiln.toe.expr;

import java.util.List;

/** A comparison or logical expression, for {@code if} and the Assert module. */
public sealed interface Condition {

    record And(List<Condition> conditions) implements Condition {
        public And {
            conditions = List.copyOf(conditions);
        }
    }

    record Or(List<Condition> conditions) implements Condition {
        public Or {
            conditions = List.copyOf(conditions);
        }
    }

    record Not(Condition condition) implements Condition {
    }

    /** A one-value test: {@code stringIsEmpty}, {@code binaryExists}, {@code fileExists}, ... */
    record Test(String operator, String argument) implements Condition {
    }

    /** {@code <operator>: baseline} with {@code value:}; true when {@code value <operator> baseline}. */
    record Compare(String operator, String baseline, String value) implements Condition {
    }

    /** {@code fileSHA256Equals: hash} with {@code path:}. */
    record FileHash(String algorithm, String expected, String path) implements Condition {
    }
}
