package io.portico.plugins.ratelimit;

import io.portico.api.Consumer;
import io.portico.api.Exchange;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a bucket is per: the parsed {@code key} of a rule, and the bucket key it derives from a request.
 *
 * <ul>
 *   <li>{@code consumer}: the consumer id; a request without a consumer falls back to its client IP (as Kong
 *       does), so anonymous callers are limited per address and cannot share one bucket with everybody.</li>
 *   <li>{@code ip}: {@link Exchange#clientIp()} (the peer, or the trusted {@code X-Forwarded-For} entry).</li>
 *   <li>{@code route}: the route id: one bucket for the whole route.</li>
 *   <li>{@code header:<name>}: the header's first value; requests without the header share one bucket (so
 *       leaving the header out does not escape the limit).</li>
 *   <li>{@code claim:<name>}: the consumer's claim as text; without a consumer or the claim, one shared bucket.</li>
 * </ul>
 * A list combines the parts into one bucket key. Values are percent-encoded, so parts never run into each other.
 * Immutable, thread-safe.
 *
 * @param parts the key parts, in order; not empty
 */
public record KeySpec(List<Part> parts) {

    /** One part of a key. */
    public sealed interface Part {
        /** This part's text for the request, e.g. {@code ip=203.0.113.7}. */
        String derive(Exchange exchange);
    }

    /** {@code consumer}: the consumer id, else the client IP. */
    public record ConsumerPart() implements Part {
        @Override
        public String derive(Exchange exchange) {
            Optional<Consumer> c = exchange.consumer();
            return c.isPresent() ? "consumer=" + encode(c.get().id()) : "ip=" + encode(exchange.clientIp());
        }
    }

    /** {@code ip}: the client IP. */
    public record IpPart() implements Part {
        @Override
        public String derive(Exchange exchange) {
            return "ip=" + encode(exchange.clientIp());
        }
    }

    /** {@code route}: the route id. */
    public record RoutePart() implements Part {
        @Override
        public String derive(Exchange exchange) {
            return "route=" + encode(String.valueOf(exchange.routeId()));
        }
    }

    /** {@code header:<name>}: the header's first value; absent: the shared bucket {@code header:name!}. */
    public record HeaderPart(String name) implements Part {
        @Override
        public String derive(Exchange exchange) {
            return exchange.request().headers().first(name)
                    .map(v -> "header:" + name + "=" + encode(v))
                    .orElse("header:" + name + "!");
        }
    }

    /** {@code claim:<name>}: the consumer's claim as text; absent: the shared bucket {@code claim:name!}. */
    public record ClaimPart(String name) implements Part {
        @Override
        public String derive(Exchange exchange) {
            Object v = exchange.consumer().map(c -> c.claims().get(name)).orElse(null);
            return v == null ? "claim:" + name + "!" : "claim:" + name + "=" + encode(String.valueOf(v));
        }
    }

    public KeySpec {
        parts = List.copyOf(parts);
    }

    /**
     * Parses a {@code key} value: one text, or a list of texts.
     *
     * @throws IllegalArgumentException starting with {@code key:} when a part is unknown or empty
     */
    public static KeySpec parse(Object key) {
        List<Part> parts = new ArrayList<>();
        if (key instanceof String s) {
            parts.add(part(s));
        } else if (key instanceof List<?> list && !list.isEmpty()) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("key: expected consumer, ip, route, header:<name> or claim:<name>, got " + o);
                }
                parts.add(part(s));
            }
        } else {
            throw new IllegalArgumentException("key: expected consumer, ip, route, header:<name>, claim:<name> or a list of them, got " + key);
        }
        return new KeySpec(parts);
    }

    private static Part part(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "consumer":
                return new ConsumerPart();
            case "ip":
                return new IpPart();
            case "route":
                return new RoutePart();
            default:
                break;
        }
        if (lower.startsWith("header:") && t.length() > "header:".length()) {
            return new HeaderPart(t.substring("header:".length()).strip());
        }
        if (lower.startsWith("claim:") && t.length() > "claim:".length()) {
            return new ClaimPart(t.substring("claim:".length()).strip());
        }
        throw new IllegalArgumentException("key: expected consumer, ip, route, header:<name> or claim:<name>, got '" + text + "'");
    }

    /** The bucket key of a request: the parts' texts joined with {@code |}. */
    public String derive(Exchange exchange) {
        if (parts.size() == 1) {
            return parts.get(0).derive(exchange);
        }
        StringBuilder b = new StringBuilder();
        for (Part p : parts) {
            if (!b.isEmpty()) {
                b.append('|');
            }
            b.append(p.derive(exchange));
        }
        return b.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
