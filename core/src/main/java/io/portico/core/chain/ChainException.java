package io.portico.core.chain;

import java.util.List;

/**
 * A configuration's filters cannot be turned into chains: unknown types, unusable configs, ordering
 * constraints that contradict each other. Each message starts with the entry's {@code file:line}.
 */
public final class ChainException extends IllegalArgumentException {
    private final List<String> errors;

    public ChainException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** One message per problem, each {@code file:line: ...}. */
    public List<String> errors() {
        return errors;
    }
}
