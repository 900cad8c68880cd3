package io.portico.api;

import java.util.List;
import java.util.Objects;

/**
 * A consumer declared in the configuration ({@code consumers:}), as {@link FilterContext#consumers()} gives it to
 * authentication filters.
 *
 * @param consumer the consumer to set when one of its credentials is presented (no claims)
 * @param apiKeys  its API keys as {@code sha256:<64 lower-case hex digits>} (the SHA-256 of the key's UTF-8 bytes,
 *                 as {@code portico hash-key KEY} prints it); validated by the gateway, never the keys themselves
 */
public record ConfiguredConsumer(Consumer consumer, List<String> apiKeys) {
    public ConfiguredConsumer {
        Objects.requireNonNull(consumer, "consumer");
        apiKeys = List.copyOf(apiKeys);
    }
}
