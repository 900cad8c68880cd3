package io.portico.plugins.keyauth;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.Consumer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured API key hashes and their consumers; finds the consumer of a presented key.
 *
 * <p>A presented key is hashed (SHA-256 of its UTF-8 bytes) and the hash looked up by its first 8 bytes in a
 * map; every candidate under that prefix is then compared over all 32 bytes with
 * {@link MessageDigest#isEqual} (constant time), without stopping at the first match. No comparison ever
 * involves the presented key itself, and the only data-dependent branch is on the hash's prefix, which a
 * caller cannot steer (SHA-256 preimage resistance), so response times say nothing about how close a guess was.
 *
 * <p>Immutable and thread-safe.
 */
final class ApiKeys {
    static final String PREFIX = "sha256:";

    private record Entry(byte[] hash, Consumer consumer) {
    }

    private final Map<Long, List<Entry>> byPrefix;
    private final int size;

    /**
     * @param consumers the configured consumers; their {@code apiKeys} are {@code sha256:<64 hex>}, as the
     *                  gateway validates them
     * @throws IllegalArgumentException when a hash is not of that form (the gateway lets none through)
     */
    ApiKeys(List<ConfiguredConsumer> consumers) {
        Map<Long, List<Entry>> map = new HashMap<>();
        int n = 0;
        for (ConfiguredConsumer c : consumers) {
            for (String h : c.apiKeys()) {
                byte[] hash = parse(h, c.consumer().id());
                map.computeIfAbsent(prefix(hash), k -> new ArrayList<>()).add(new Entry(hash, c.consumer()));
                n++;
            }
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        this.byPrefix = Map.copyOf(map);
        this.size = n;
    }

    /** How many key hashes are configured. */
    int size() {
        return size;
    }

    /** The consumer whose key {@code key} is, or empty for an unknown key. */
    Optional<Consumer> find(String key) {
        byte[] hash = sha256(key);
        Consumer found = null;
        for (Entry e : byPrefix.getOrDefault(prefix(hash), List.of())) {
            if (MessageDigest.isEqual(e.hash(), hash)) {
                found = e.consumer();
            }
        }
        return Optional.ofNullable(found);
    }

    /** SHA-256 of the UTF-8 bytes of {@code key}. */
    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static long prefix(byte[] hash) {
        return ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
    }

    private static byte[] parse(String h, String consumerId) {
        if (h == null || !h.startsWith(PREFIX) || h.length() != PREFIX.length() + 64) {
            throw new IllegalArgumentException("consumers: an api-keys entry of consumer '" + consumerId
                    + "' is not sha256:<64 hex digits>");
        }
        try {
            return HexFormat.of().parseHex(h, PREFIX.length(), h.length());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("consumers: an api-keys entry of consumer '" + consumerId
                    + "' is not sha256:<64 hex digits>");
        }
    }
}
