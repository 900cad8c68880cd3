package io.portico.core.upstream.balance;

import io.portico.core.config.UpstreamConfig;

/** Builds the balancer an upstream's configuration asks for. */
public final class Balancers {

    private Balancers() {
    }

    /**
     * A new balancer for {@code config.balancer()} (and {@code hash-on} for consistent hashing). Each call
     * returns a fresh instance with its own state; one upstream uses one instance.
     */
    public static Balancer create(UpstreamConfig config) {
        return switch (config.balancer()) {
            case ROUND_ROBIN -> new RoundRobin();
            case WEIGHTED -> new SmoothWeighted();
            case LEAST_REQUESTS -> new LeastRequests();
            case CONSISTENT_HASH -> new ConsistentHash(HashOn.parse(config.hashOn().orElse("ip")));
            case RANDOM -> new RandomPick();
        };
    }
}
