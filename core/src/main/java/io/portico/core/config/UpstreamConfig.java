package io.portico.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One upstream ({@code upstreams.<name>}): a set of targets and how to reach them.
 *
 * @param name           the key under {@code upstreams}
 * @param targets        at least one target
 * @param balancer       how a target is picked
 * @param hashOn         for {@link Balancer#CONSISTENT_HASH}: {@code ip}, {@code header:<name>},
 *                       {@code cookie:<name>} or {@code param:<name>}; empty otherwise
 * @param connectTimeout {@code timeouts.connect}, default 2s
 * @param responseTimeout {@code timeouts.response}: longest wait for the response head and between reads
 *                       of the body, default 30s
 * @param health         health checks, if any
 * @param retries        retry policy
 * @param circuitBreaker circuit breaker, if any
 */
public record UpstreamConfig(String name,
                             List<TargetConfig> targets,
                             Balancer balancer,
                             Optional<String> hashOn,
                             Duration connectTimeout,
                             Duration responseTimeout,
                             Optional<HealthConfig> health,
                             RetryConfig retries,
                             Optional<CircuitBreakerConfig> circuitBreaker) {
    public UpstreamConfig {
        targets = List.copyOf(targets);
    }

    /** The {@code balancer:} values. */
    public enum Balancer {
        ROUND_ROBIN("round-robin"), WEIGHTED("weighted"), LEAST_REQUESTS("least-requests"),
        CONSISTENT_HASH("consistent-hash"), RANDOM("random");

        private final String key;

        Balancer(String key) {
            this.key = key;
        }

        /** The spelling used in the config file. */
        public String key() {
            return key;
        }
    }

    /**
     * {@code health:} block; either part may be absent.
     *
     * @param active  periodic probes, only where configured
     * @param passive ejection after consecutive failures
     */
    public record HealthConfig(Optional<ActiveHealth> active, Optional<PassiveHealth> passive) {
    }

    /** {@code health.active}: GET {@code path} every {@code interval}. */
    public record ActiveHealth(String path, Duration interval, Duration timeout, int healthy, int unhealthy) {
    }

    /** {@code health.passive}: eject a target for {@code eject} after {@code failures} consecutive failures. */
    public record PassiveHealth(int failures, Duration eject) {
    }

    /** {@code retries:}; {@code attempts} is the number of extra tries (0 = none). */
    public record RetryConfig(int attempts) {
    }

    /** {@code circuit-breaker:}. */
    public record CircuitBreakerConfig(double failureRatio, int window, Duration openFor) {
    }
}
