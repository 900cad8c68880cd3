package io.portico.plugins.ratelimit;

import io.portico.api.RedisSettings;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What outlives one configuration: the local bucket stores, so that buckets survive a config reload (the gateway
 * creates every filter again on each reload), and the Redis connections, one per Redis URL and timeout.
 *
 * <p>Plugin-level state: these statics live in the plugin's own class loader and are emptied by
 * {@link RateLimitPlugin#stop()}, so nothing pins the loader after unloading. A local store is found again when
 * the route id and the whole rule ({@link RateLimitConfig} equality) are unchanged; it is held weakly, so the
 * stores of rules no filter uses any more are collected. Thread-safe.
 */
final class SharedState {
    /** A local store's identity: the route (null for a global filter) and the rule. */
    record StoreKey(String routeId, RateLimitConfig rule) {
    }

    private static final Map<StoreKey, WeakReference<LocalBucketStore>> LOCAL = new ConcurrentHashMap<>();
    private static final Map<String, RedisConnection> REDIS = new ConcurrentHashMap<>();

    private SharedState() {
    }

    /** The local store of this route and rule: the existing one while a filter still uses it, else a new one. */
    static LocalBucketStore localStore(StoreKey key, Supplier<LocalBucketStore> create) {
        LOCAL.values().removeIf(ref -> ref.get() == null);
        LocalBucketStore[] result = new LocalBucketStore[1];
        LOCAL.compute(key, (k, ref) -> {
            LocalBucketStore existing = ref == null ? null : ref.get();
            if (existing != null) {
                result[0] = existing;
                return ref;
            }
            result[0] = create.get();
            return new WeakReference<>(result[0]);
        });
        return result[0];
    }

    /** The shared connection to this Redis (not connected until first used). */
    static RedisConnection redis(RedisSettings settings) {
        return REDIS.computeIfAbsent(settings.url() + "#" + settings.timeout().toNanos(), k -> new RedisConnection(settings));
    }

    /** Forgets the local stores and closes every Redis connection (plugin stop). */
    static void clear() {
        LOCAL.clear();
        List<RedisConnection> open = new ArrayList<>(REDIS.values());
        REDIS.clear();
        for (RedisConnection c : open) {
            c.close();
        }
    }
}
