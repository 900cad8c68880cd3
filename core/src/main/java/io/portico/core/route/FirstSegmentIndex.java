package io.portico.core.route;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidate routes keyed by the first path segment. Routes whose pattern starts with a literal are
 * filed under it; routes starting with a parameter or {@code /**} are candidates for every path. Each
 * bucket keeps the global specificity order, so scanning a bucket gives the same first match as
 * scanning the whole table. Lookup hashes the path's first segment in place (open addressing, no
 * allocation). Immutable after construction.
 */
final class FirstSegmentIndex {

    private final String[] keys;
    private final Route[][] buckets;
    private final int mask;
    /** Routes for a path whose first segment is no route's first literal. */
    private final Route[] fallback;

    /**
     * @param ordered all routes, most specific first
     */
    FirstSegmentIndex(Route[] ordered) {
        Map<Route, Integer> rank = new IdentityHashMap<>();
        Map<String, List<Route>> byKey = new LinkedHashMap<>();
        List<Route> anyFirst = new ArrayList<>();
        for (int i = 0; i < ordered.length; i++) {
            Route r = ordered[i];
            rank.put(r, i);
            String key = r.pattern().firstLiteral();
            if (key == null) {
                anyFirst.add(r);
            } else {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
        }
        this.fallback = anyFirst.toArray(Route[]::new);
        int capacity = Integer.highestOneBit(Math.max(2, byKey.size() * 2) - 1) << 1;
        this.keys = new String[capacity];
        this.buckets = new Route[capacity][];
        this.mask = capacity - 1;
        for (Map.Entry<String, List<Route>> e : byKey.entrySet()) {
            List<Route> merged = new ArrayList<>(e.getValue());
            merged.addAll(anyFirst);
            merged.sort((a, b) -> Integer.compare(rank.get(a), rank.get(b)));
            int slot = spread(e.getKey().hashCode()) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = e.getKey();
            buckets[slot] = merged.toArray(Route[]::new);
        }
    }

    /**
     * @param path a normalized path
     * @return the routes that can match it, most specific first; never null; do not modify
     */
    Route[] candidates(String path) {
        int end = path.indexOf('/', 1);
        if (end < 0) {
            end = path.length();
        }
        int h = 0;
        for (int i = 1; i < end; i++) {
            h = 31 * h + path.charAt(i); // same as String.hashCode of the segment
        }
        int n = end - 1;
        for (int slot = spread(h) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key.length() == n && path.regionMatches(1, key, 0, n)) {
                return buckets[slot];
            }
        }
        return fallback;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
