package io.portico.plugins.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Buckets in Redis, shared by every gateway instance using the same Redis: Bucket4j's Lettuce CAS proxy manager,
 * keys {@code portico:rl:<route>:<rule>:<bucket key>} with a time to live (the time the bucket needs to be full
 * again, plus {@link RedisConnection#KEEP_AFTER_FULL}). A call waits at most {@code timeout} in all (connect
 * and commands), then fails with {@link BackendException}.
 *
 * <p>Concurrent requests for one key on this instance are batched (Bucket4j's batching optimization on a bucket
 * proxy kept per key): while one compare-and-swap round trip for a key is in flight, the requests arriving for it
 * wait and go together in the next one. Without it, every request runs its own CAS loop on the same Redis key, and
 * under load those loops keep conflicting with each other (measured: 50 connections on one key made every call
 * exceed a 100 ms timeout, and the abandoned loops kept retrying after their callers had given up). Across
 * instances the CAS still arbitrates. Thread-safe.
 */
final class RedisBucketStore implements BucketStore {
    static final String PREFIX = "portico:rl:";

    private final RedisConnection redis;
    private final Limits limits;
    private final String keyPrefix;
    private final long timeoutNanos;
    private final Supplier<CompletableFuture<BucketConfiguration>> configuration;
    /** Batching bucket proxies by key, for the proxy manager they were built on (replaced with it). */
    private final Cache<String, AsyncBucketProxy> proxies = Caffeine.newBuilder()
            .maximumSize(LocalBucketStore.MAX_BUCKETS)
            .expireAfterAccess(Duration.ofMinutes(1))
            .executor(Runnable::run)
            .build();
    private volatile AsyncProxyManager<byte[]> proxiesOf;

    /**
     * @param rule what tells this rule apart from others on the same route (the same on every instance with the
     *             same configuration)
     */
    RedisBucketStore(RedisConnection redis, Limits limits, String routeId, String rule, Duration timeout) {
        this.redis = redis;
        this.limits = limits;
        this.keyPrefix = PREFIX + (routeId == null ? "*global*" : routeId) + ":" + rule + ":";
        this.timeoutNanos = timeout.toNanos();
        CompletableFuture<BucketConfiguration> done = CompletableFuture.completedFuture(limits.configuration());
        this.configuration = () -> done;
    }

    @Override
    public Quota consume(String key) throws BackendException {
        long deadline = System.nanoTime() + timeoutNanos;
        AsyncProxyManager<byte[]> manager = redis.buckets(deadline);
        if (manager != proxiesOf) {
            proxies.invalidateAll();
            proxiesOf = manager;
        }
        AsyncBucketProxy bucket = proxies.get(key, k -> manager.builder()
                .withOptimization(Optimizations.batching())
                .build((keyPrefix + k).getBytes(StandardCharsets.UTF_8), configuration));
        CompletableFuture<VerboseResult<ConsumptionProbe>> f = bucket.asVerbose().tryConsumeAndReturnRemaining(1);
        try {
            return limits.quota(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new BackendException("Redis did not answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new BackendException("Redis failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted", e);
        }
    }
}
