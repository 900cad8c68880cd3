package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;
import io.portico.core.config.UpstreamConfig.ActiveHealth;
import io.portico.core.config.UpstreamConfig.PassiveHealth;
import io.portico.core.upstream.balance.PickContext;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The health state machine with a fake clock, no sockets. */
class TargetHealthTest {
    private static final long SEC = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SEC);
    private final AtomicInteger changes = new AtomicInteger();

    private TargetHealth passive(int failures, Duration eject) {
        return new TargetHealth("up", "http://t", null, new PassiveHealth(failures, eject), now::get,
                changes::incrementAndGet);
    }

    private TargetHealth active(int healthy, int unhealthy) {
        return new TargetHealth("up", "http://t",
                new ActiveHealth("/health", Duration.ofSeconds(1), Duration.ofMillis(500), healthy, unhealthy),
                null, now::get, changes::incrementAndGet);
    }

    @Test
    void consecutiveFailuresEjectForTheConfiguredTime() {
        TargetHealth h = passive(3, Duration.ofSeconds(10));
        h.requestFailed("refused");
        h.requestFailed("refused");
        assertThat(h.available(now.get())).isTrue();
        h.requestFailed("refused");
        assertThat(h.available(now.get())).isFalse();
        assertThat(h.ejectedAt(now.get())).isTrue();
        assertThat(changes).hasValue(1);
        assertThat(h.available(now.get() + 10 * SEC - 1)).isFalse();
        assertThat(h.available(now.get() + 10 * SEC)).isTrue();
    }

    @Test
    void aSuccessResetsTheCount() {
        TargetHealth h = passive(2, Duration.ofSeconds(10));
        h.requestFailed("x");
        h.requestSucceeded();
        h.requestFailed("x");
        assertThat(h.available(now.get())).isTrue();
        assertThat(h.consecutiveFailures()).isEqualTo(1);
        h.requestFailed("x");
        assertThat(h.available(now.get())).isFalse();
    }

    @Test
    void halfOpenFailureEjectsAgainAtOnceAndSuccessReadmits() {
        TargetHealth h = passive(3, Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            h.requestFailed("x");
        }
        // stragglers while ejected change nothing
        h.requestFailed("late");
        h.requestSucceeded();
        assertThat(h.ejectedAt(now.get())).isTrue();
        assertThat(changes).hasValue(1);

        now.addAndGet(10 * SEC);
        assertThat(h.available(now.get())).isTrue();
        h.requestFailed("trial");           // one failure suffices in half-open
        assertThat(h.available(now.get())).isFalse();
        assertThat(h.ejectedUntil()).isEqualTo(now.get() + 10 * SEC);
        assertThat(changes).hasValue(2);

        now.addAndGet(10 * SEC);
        h.requestSucceeded();
        assertThat(h.available(now.get())).isTrue();
        h.requestFailed("x");
        h.requestFailed("x");
        assertThat(h.available(now.get())).isTrue(); // back to counting up to 3
    }

    @Test
    void withoutPassiveConfigRequestsChangeNothing() {
        TargetHealth h = active(1, 1);
        for (int i = 0; i < 10; i++) {
            h.requestFailed("x");
        }
        assertThat(h.available(now.get())).isTrue();
    }

    @Test
    void probesFlipHealthAfterTheConfiguredRuns() {
        TargetHealth h = active(2, 3);
        h.probeFailed("refused");
        h.probeFailed("refused");
        h.probeSucceeded();                  // breaks the run
        h.probeFailed("refused");
        h.probeFailed("refused");
        assertThat(h.healthy()).isTrue();
        h.probeFailed("refused");
        assertThat(h.healthy()).isFalse();
        assertThat(h.available(now.get())).isFalse();
        assertThat(changes).hasValue(1);

        h.probeSucceeded();
        h.probeFailed("x");
        h.probeSucceeded();
        assertThat(h.healthy()).isFalse();
        h.probeSucceeded();
        assertThat(h.healthy()).isTrue();
        assertThat(changes).hasValue(2);
    }

    @Test
    void upstreamPassesOnlyAvailableTargetsAsAStableList() {
        UpstreamConfig cfg = new UpstreamConfig("up",
                List.of(new TargetConfig(URI.create("http://10.0.0.1:80"), 1),
                        new TargetConfig(URI.create("http://10.0.0.2:80"), 1)),
                UpstreamConfig.Balancer.ROUND_ROBIN, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Optional.of(new UpstreamConfig.HealthConfig(Optional.of(
                        new ActiveHealth("/h", Duration.ofSeconds(3), Duration.ofSeconds(1), 1, 1)),
                        Optional.of(new PassiveHealth(1, Duration.ofSeconds(30))))),
                new UpstreamConfig.RetryConfig(0), Optional.empty());
        Upstream u = new Upstream(cfg);
        Target a = u.targets().get(0);
        Target b = u.targets().get(1);
        assertThat(u.available()).isSameAs(u.targets());

        b.health().probeFailed("refused");
        List<Target> onlyA = u.available();
        assertThat(onlyA).containsExactly(a);
        assertThat(u.available()).isSameAs(onlyA);
        PickContext ctx = null;
        for (int i = 0; i < 5; i++) {
            assertThat(u.pick(ctx)).isSameAs(a);
        }
        a.health().requestFailed("refused");
        assertThat(u.available()).isEmpty();
        assertThat(u.pick(ctx)).isNull();
        assertThat(u.retryAfterSeconds()).isBetween(29L, 30L);

        b.health().probeSucceeded();
        assertThat(u.available()).containsExactly(b);
    }

    @Test
    void retryAfterFallsBackToTheActiveInterval() {
        UpstreamConfig cfg = new UpstreamConfig("up",
                List.of(new TargetConfig(URI.create("http://10.0.0.1:80"), 1)),
                UpstreamConfig.Balancer.ROUND_ROBIN, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Optional.of(new UpstreamConfig.HealthConfig(Optional.of(
                        new ActiveHealth("/h", Duration.ofMillis(200), Duration.ofSeconds(1), 1, 1)),
                        Optional.empty())),
                new UpstreamConfig.RetryConfig(0), Optional.empty());
        Upstream u = new Upstream(cfg);
        u.targets().get(0).health().probeFailed("refused");
        assertThat(u.available()).isEmpty();
        assertThat(u.retryAfterSeconds()).isEqualTo(1);
    }
}
