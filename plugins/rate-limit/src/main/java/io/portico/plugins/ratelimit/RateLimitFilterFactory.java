package io.portico.plugins.ratelimit;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.api.RedisSettings;
import org.pf4j.Extension;

/**
 * {@code type: rate-limit}, phase {@link Phase#QUOTA}: token-bucket limits per consumer, IP, route, header or
 * claim (see {@link RateLimitConfig}, {@link KeySpec}, {@link RateLimitFilter}).
 *
 * <p>{@code backend: local} keeps the buckets in this gateway, in a store shared by every filter created for
 * the same route and rule, so a reload that leaves the rule unchanged keeps the buckets. {@code backend: redis}
 * uses the top-level {@code redis:} through one shared connection per Redis.
 */
@Extension
public final class RateLimitFilterFactory implements FilterFactory<RateLimitConfig> {

    @Override
    public String type() {
        return "rate-limit";
    }

    @Override
    public Phase phase() {
        return Phase.QUOTA;
    }

    @Override
    public Class<RateLimitConfig> configType() {
        return RateLimitConfig.class;
    }

    /** @throws IllegalArgumentException for {@code backend: redis} without a top-level {@code redis:} */
    @Override
    public GatewayFilter create(RateLimitConfig config, FilterContext context) {
        Limits limits = new Limits(config.limits());
        BucketStore store;
        if (config.backend() == Backend.REDIS) {
            RedisSettings redis = context.redis().orElseThrow(() ->
                    new IllegalArgumentException("backend: redis needs the top-level redis: { url }"));
            String rule = Integer.toHexString(config.toString().hashCode());
            RedisConnection connection = SharedState.redis(redis);
            connection.warmUp();
            store = new RedisBucketStore(connection, limits, context.routeId(), rule, redis.timeout());
        } else {
            store = SharedState.localStore(new SharedState.StoreKey(context.routeId(), config),
                    () -> new LocalBucketStore(limits, new ClockTimeMeter(context.clock())));
        }
        return new RateLimitFilter(config.keySpec(), store, limits.policy(), config.onBackendError(),
                context.metrics(), new ThrottledWarning(context.logger()));
    }
}
