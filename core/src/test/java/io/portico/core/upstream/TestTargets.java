package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;
import io.portico.core.config.UpstreamConfig.Balancer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds upstreams and targets for tests outside this package, and moves their in-flight counts. */
public final class TestTargets {

    private TestTargets() {
    }

    /** An upstream config with the given targets, balancer and {@code hash-on} (null for none). */
    public static UpstreamConfig config(Balancer balancer, String hashOn, List<TargetConfig> targets) {
        return new UpstreamConfig("test", targets, balancer, Optional.ofNullable(hashOn),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Optional.empty(),
                new UpstreamConfig.RetryConfig(0), Optional.empty());
    }

    /** Targets {@code http://10.0.0.<i+1>:8080} with the given weights (no connection is ever opened). */
    public static List<Target> weighted(int... weights) {
        List<TargetConfig> configs = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            configs.add(new TargetConfig(URI.create("http://10.0.0." + (i + 1) + ":8080"), weights[i]));
        }
        return of(configs);
    }

    /** {@code n} targets of weight 1. */
    public static List<Target> targets(int n) {
        int[] weights = new int[n];
        java.util.Arrays.fill(weights, 1);
        return weighted(weights);
    }

    /** Targets for the given URLs, weight 1. */
    public static List<Target> urls(String... urls) {
        return of(java.util.Arrays.stream(urls).map(u -> new TargetConfig(URI.create(u), 1)).toList());
    }

    /** Immutable list of new targets for {@code configs}. */
    public static List<Target> of(List<TargetConfig> configs) {
        return new Upstream(config(Balancer.ROUND_ROBIN, null, configs)).targets();
    }

    /** Marks {@code n} requests to {@code target} as started. */
    public static void start(Target target, int n) {
        for (int i = 0; i < n; i++) {
            target.requestStarted();
        }
    }

    /** Marks {@code n} requests to {@code target} as ended. */
    public static void end(Target target, int n) {
        for (int i = 0; i < n; i++) {
            target.requestEnded();
        }
    }
}
