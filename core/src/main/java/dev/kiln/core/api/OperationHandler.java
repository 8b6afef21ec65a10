package dev.kiln.core.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One API operation's behaviour: its validated input in, its output out (before shaping). */
@FunctionalInterface
public interface OperationHandler {
    ObjectNode handle(CallContext context, ObjectNode input);
}
