package io.portico.core.upstream.balance;

import io.portico.core.config.UpstreamConfig.Balancer;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BalancersTest {

    @Test
    void eachSettingHasItsBalancer() {
        assertThat(Balancers.create(TestTargets.config(Balancer.ROUND_ROBIN, null, List.of()))).isInstanceOf(RoundRobin.class);
        assertThat(Balancers.create(TestTargets.config(Balancer.WEIGHTED, null, List.of()))).isInstanceOf(SmoothWeighted.class);
        assertThat(Balancers.create(TestTargets.config(Balancer.LEAST_REQUESTS, null, List.of()))).isInstanceOf(LeastRequests.class);
        assertThat(Balancers.create(TestTargets.config(Balancer.RANDOM, null, List.of()))).isInstanceOf(RandomPick.class);
        assertThat(Balancers.create(TestTargets.config(Balancer.CONSISTENT_HASH, "cookie:sid", List.of())))
                .isInstanceOf(ConsistentHash.class);
        assertThat(Balancers.create(TestTargets.config(Balancer.CONSISTENT_HASH, null, List.of())))
                .as("hash-on defaults to ip").isInstanceOf(ConsistentHash.class);
    }

    @Test
    void everyBalancerAnswersNullForNoCandidates() {
        for (Balancer kind : Balancer.values()) {
            var b = Balancers.create(TestTargets.config(kind, null, List.of()));
            assertThat(b.pick(List.of(), PickContext.NONE)).as(kind.key()).isNull();
        }
    }
}
