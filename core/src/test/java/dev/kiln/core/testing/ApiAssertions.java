package dev.kiln.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The one way the tests of operations say that a call is refused, and with which error. */
public final class ApiAssertions {
    private ApiAssertions() {
    }

    /**
     * Asserts that the call throws an {@link ApiException} of this type, and answers the assertion on
     * it, for more ({@code .hasMessageContaining(...)}).
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertError(ThrowingCallable call, ErrorType type) {
        AbstractThrowableAssert<?, ? extends Throwable> thrown = assertThatThrownBy(call).isInstanceOf(ApiException.class);
        thrown.satisfies(e -> assertThat(((ApiException) e).type()).as("the error type of: %s", e.getMessage())
                .isEqualTo(type));
        return thrown;
    }

    /** Asserts that the call throws an {@link ApiException} of this type whose message contains a text. */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertError(ThrowingCallable call, ErrorType type,
                                                                            String messagePart) {
        return assertError(call, type).hasMessageContaining(messagePart);
    }
}
