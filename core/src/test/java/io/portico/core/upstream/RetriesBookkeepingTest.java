package io.portico.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** {@link Retries}, the retry bookkeeping shared by the proxy path and aggregate parts (no sockets). */
class RetriesBookkeepingTest {

    private static Upstream upstream(int targets, int attempts) {
        List<TargetConfig> configs = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            configs.add(new TargetConfig(URI.create("http://10.0.0." + (i + 1) + ":8080"), 1));
        }
        return new Upstream(new UpstreamConfig("test", configs, UpstreamConfig.Balancer.ROUND_ROBIN, Optional.empty(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Optional.empty(), new UpstreamConfig.RetryConfig(attempts),
                Optional.empty()));
    }

    @Test
    void aFailureMovesToAnUntriedTargetTakingAnAttemptAndABudgetToken() {
        Upstream u = upstream(3, 2);
        long tokens = u.retryBudget().tokens();
        Retries r = new Retries(u);
        Target first = u.targets().get(0);

        Target second = r.afterFailure(first, false);
        assertThat(second).isNotNull().isNotSameAs(first);
        assertThat(u.retryBudget().tokens()).isEqualTo(tokens - 1);
        assertThat(r.attemptsLeft()).isTrue();

        Target third = r.afterFailure(second, false);
        assertThat(third).isNotNull().isNotSameAs(first).isNotSameAs(second);
        assertThat(u.retryBudget().tokens()).isEqualTo(tokens - 2);
        assertThat(r.attemptsLeft()).isFalse();
    }

    @Test
    void aRefusalMovesForFreeUntilEveryTargetWasTried() {
        Upstream u = upstream(2, 1);
        long tokens = u.retryBudget().tokens();
        Retries r = new Retries(u);
        Target first = u.targets().get(0);

        Target second = r.afterRefusal(first);
        assertThat(second).isSameAs(u.targets().get(1));
        assertThat(r.afterRefusal(second)).as("both tried").isNull();
        assertThat(u.retryBudget().tokens()).isEqualTo(tokens);
        assertThat(r.attemptsLeft()).isTrue();
    }

    @Test
    void aSingleTargetIsRetriedOnItselfOnlyWhenTheCallerAllowsIt() {
        Upstream u = upstream(1, 1);
        Target only = u.targets().get(0);
        long tokens = u.retryBudget().tokens();

        Retries proxied = new Retries(u);
        assertThat(proxied.afterFailure(only, true)).isSameAs(only);
        assertThat(u.retryBudget().tokens()).isEqualTo(tokens - 1);

        Retries part = new Retries(u);
        assertThat(part.afterFailure(only, false)).isNull();
        assertThat(part.attemptsLeft()).as("nothing taken").isTrue();
        assertThat(u.retryBudget().tokens()).as("nothing taken").isEqualTo(tokens - 1);
        assertThat(new Retries(u).afterRefusal(only)).as("a refusal never returns to a tried target").isNull();
    }

    @Test
    void aSpentBudgetStopsRetriesWithoutTakingAnAttempt() {
        Upstream u = upstream(3, 5);
        while (u.retryBudget().tryRetry()) {
            // spend it
        }
        Retries r = new Retries(u); // deposits 0.2 of a token: still less than one
        assertThat(r.afterFailure(u.targets().get(0), true)).isNull();
        assertThat(r.attemptsLeft()).isTrue();
    }
}
