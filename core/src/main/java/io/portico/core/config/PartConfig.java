package io.portico.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code aggregate.parts[i]} entry: a request to an upstream whose JSON answer becomes part of the merged
 * response.
 *
 * @param name     unique within the route; the key in {@code namespace} merges and in templates of later parts
 * @param upstream an upstream declared under {@code upstreams}
 * @param path     the request target ({@code /path?query}), templated; starts with '/'
 * @param method   the request method (default {@code GET}); sent without a body ({@code Content-Length: 0}
 *                 for methods other than GET, DELETE and OPTIONS)
 * @param headers  extra request headers (name as written → templated value), set over the forwarded ones
 * @param timeout  the whole part's deadline (head and body); empty: the upstream's response timeout
 * @param optional whether the merged answer may go out without this part (reported in {@code _portico.errors})
 * @param after    the parts that must succeed before this one starts (their bodies feed its templates)
 * @param extract  a JSON pointer (RFC 6901) selecting the sub-tree of the body to use; empty: the whole body
 * @param line     line of the part in the config file (for messages)
 */
public record PartConfig(String name,
                         String upstream,
                         Template path,
                         String method,
                         Map<String, Template> headers,
                         Optional<Duration> timeout,
                         boolean optional,
                         List<String> after,
                         Optional<String> extract,
                         int line) {
    public PartConfig {
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        after = List.copyOf(after);
    }
}
