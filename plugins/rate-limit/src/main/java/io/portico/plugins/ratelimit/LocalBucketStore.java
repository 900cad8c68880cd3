package io.portico.plugins.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;

/**
 * Buckets in this gateway's memory: a bounded Caffeine cache of lock-free Bucket4j buckets. A bucket unused for
 * the rule's longest period would be full again, so it is dropped then (expire after access); past
 * {@link #MAX_BUCKETS} keys the least used are evicted (such a key starts again with a full bucket).
 * Thread-safe and non-blocking.
 */
final class LocalBucketStore implements BucketStore {
    /** At most this many buckets (keys) per rule. */
    static final long MAX_BUCKETS = 100_000;

    private final Limits limits;
    private final TimeMeter time;
    private final Cache<String, LocalBucket> buckets;

    LocalBucketStore(Limits limits, TimeMeter time) {
        this.limits = limits;
        this.time = time;
        Duration idle = limits.longestPeriod().plusSeconds(1);
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_BUCKETS).expireAfterAccess(idle)
                // maintenance on the calling thread: the default (the common pool) woke a pool thread every few
                // requests, a thread hand-off that cost more than the bucket itself
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Quota consume(String key) {
        LocalBucket bucket = buckets.get(key, k -> newBucket());
        VerboseResult<ConsumptionProbe> r = bucket.asVerbose().tryConsumeAndReturnRemaining(1);
        return limits.quota(r);
    }

    private LocalBucket newBucket() {
        LocalBucketBuilder b = Bucket.builder().withCustomTimePrecision(time);
        for (Bandwidth bandwidth : limits.configuration().getBandwidths()) {
            b.addLimit(bandwidth);
        }
        return b.build();
    }

    /** How many buckets are held (for tests). */
    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
