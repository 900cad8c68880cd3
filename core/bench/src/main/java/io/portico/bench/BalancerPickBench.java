package io.portico.bench;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import io.portico.core.upstream.balance.Balancer;
import io.portico.core.upstream.balance.Balancers;
import io.portico.core.upstream.balance.PickContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one {@link Balancer#pick} over the upstream's full target list, per balancer and target count.
 * Run with {@code -t 1} for the uncontended cost and {@code -t max} to see contention (the
 * {@code weighted} balancer's monitor, the round-robin counter's cache line).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerPickBench {

    @State(Scope.Benchmark)
    public static class Upstreams {
        @Param({"round-robin", "weighted", "least-requests", "consistent-hash", "random"})
        public String balancer;

        @Param({"3", "10"})
        public int targets;

        Balancer picker;
        List<Target> candidates;

        @Setup
        public void setUp() {
            List<TargetConfig> configs = new ArrayList<>();
            for (int i = 0; i < targets; i++) {
                configs.add(new TargetConfig(URI.create("http://10.0.0." + (i + 1) + ":8080"), 1 + i % 3));
            }
            UpstreamConfig.Balancer kind = null;
            for (UpstreamConfig.Balancer b : UpstreamConfig.Balancer.values()) {
                if (b.key().equals(balancer)) {
                    kind = b;
                }
            }
            UpstreamConfig config = new UpstreamConfig("bench", configs, kind,
                    kind == UpstreamConfig.Balancer.CONSISTENT_HASH ? Optional.of("header:x-user") : Optional.empty(),
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty(),
                    new UpstreamConfig.RetryConfig(0), Optional.empty());
            candidates = new Upstream(config).targets();
            picker = Balancers.create(config);
        }
    }

    /** One request's view per thread, cycling through 1024 user ids (no allocation while measuring). */
    @State(Scope.Thread)
    public static class Requests implements PickContext {
        private final String[] users = new String[1024];
        private int next;

        @Setup
        public void setUp() {
            for (int i = 0; i < users.length; i++) {
                users[i] = "user-" + i * 7919;
            }
        }

        @Override
        public String clientIp() {
            return "10.1.2.3";
        }

        @Override
        public String header(String lowerName) {
            return users[next++ & (users.length - 1)];
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String queryParam(String name) {
            return null;
        }
    }

    @Benchmark
    public Target pick(Upstreams upstream, Requests request) {
        return upstream.picker.pick(upstream.candidates, request);
    }
}
