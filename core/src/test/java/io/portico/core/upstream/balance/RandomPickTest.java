package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RandomPickTest {

    @Test
    void isUniformAndIgnoresWeights() {
        List<Target> t = TestTargets.weighted(3, 1);
        Balancer b = new RandomPick();
        int first = 0;
        for (int i = 0; i < 4000; i++) {
            if (b.pick(t, PickContext.NONE) == t.get(0)) {
                first++;
            }
        }
        assertThat(first).isBetween(1800, 2200);
    }

    @Test
    void emptyGivesNullAndOneGivesIt() {
        List<Target> one = TestTargets.targets(1);
        assertThat(new RandomPick().pick(List.of(), PickContext.NONE)).isNull();
        assertThat(new RandomPick().pick(one, PickContext.NONE)).isSameAs(one.get(0));
    }
}
