package io.portico.plugins.ratelimit;

import io.portico.api.FilterContext;
import io.portico.api.Metrics;
import io.portico.api.RedisSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/** A {@link FilterContext} with a clock the test moves, an optional redis: block and counted metrics. */
final class TestContext implements FilterContext {
    /** A clock that only moves when told to. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    private final String routeId;
    private final RedisSettings redis;
    private final Map<String, Integer> counters = new ConcurrentHashMap<>();

    TestContext(String routeId, RedisSettings redis) {
        this.routeId = routeId;
        this.redis = redis;
    }

    TestContext() {
        this("route-1", null);
    }

    int count(String name) {
        return counters.getOrDefault(name, 0);
    }

    @Override
    public String type() {
        return "rate-limit";
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public Logger logger() {
        return Logger.getLogger("portico.filter.rate-limit");
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Metrics metrics() {
        return new Metrics() {
            @Override
            public void increment(String name) {
                if (!name.matches("[a-z][a-z0-9_]*")) {
                    throw new IllegalArgumentException("metric names are [a-z][a-z0-9_]*, got '" + name + "'");
                }
                counters.merge(name, 1, Integer::sum);
            }

            @Override
            public void record(String name, Duration duration) {
            }
        };
    }

    @Override
    public long maxBodySize() {
        return 10 << 20;
    }

    @Override
    public Optional<RedisSettings> redis() {
        return Optional.ofNullable(redis);
    }
}
