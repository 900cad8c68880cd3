package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinTest {

    @Test
    void takesEachCandidateInTurnIgnoringWeights() {
        List<Target> t = TestTargets.weighted(5, 1, 1);
        Balancer b = new RoundRobin();
        List<Target> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(b.pick(t, PickContext.NONE));
        }
        assertThat(picked).containsExactly(t.get(0), t.get(1), t.get(2), t.get(0), t.get(1), t.get(2));
    }

    @Test
    void emptyGivesNullAndOneGivesIt() {
        List<Target> one = TestTargets.targets(1);
        Balancer b = new RoundRobin();
        assertThat(b.pick(List.of(), PickContext.NONE)).isNull();
        assertThat(b.pick(one, PickContext.NONE)).isSameAs(one.get(0));
        assertThat(b.pick(one, PickContext.NONE)).isSameAs(one.get(0));
    }
}
