package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeastRequestsTest {

    @Test
    void ofTwoTakesTheLessLoaded() {
        List<Target> t = TestTargets.targets(2);
        TestTargets.start(t.get(0), 3);
        TestTargets.start(t.get(1), 1);
        Balancer b = new LeastRequests();
        for (int i = 0; i < 200; i++) {
            assertThat(b.pick(t, PickContext.NONE)).isSameAs(t.get(1));
        }
        TestTargets.start(t.get(1), 5);
        assertThat(b.pick(t, PickContext.NONE)).isSameAs(t.get(0));
    }

    @Test
    void theMostLoadedIsNeverPickedAndTheIdlestWinsEveryDrawItIsIn() {
        List<Target> t = TestTargets.targets(3);
        TestTargets.start(t.get(1), 5);
        TestTargets.start(t.get(2), 10);
        Balancer b = new LeastRequests();
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[t.indexOf(b.pick(t, PickContext.NONE))]++;
        }
        assertThat(counts[2]).isZero();
        assertThat(counts[0]).isBetween(1850, 2150); // 2 of the 3 possible pairs contain it
    }

    @Test
    void tiesAreSpreadEvenly() {
        List<Target> t = TestTargets.targets(4);
        Balancer b = new LeastRequests();
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            counts[t.indexOf(b.pick(t, PickContext.NONE))]++;
        }
        assertThat(java.util.Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
    }

    @Test
    void loadIsMeasuredPerUnitOfWeight() {
        List<Target> t = TestTargets.weighted(3, 1);
        TestTargets.start(t.get(0), 2); // 2/3 per unit of weight
        TestTargets.start(t.get(1), 1); // 1 per unit
        Balancer b = new LeastRequests();
        assertThat(b.pick(t, PickContext.NONE)).isSameAs(t.get(0));
        TestTargets.start(t.get(0), 2); // 4/3
        assertThat(b.pick(t, PickContext.NONE)).isSameAs(t.get(1));
    }

    @Test
    void emptyGivesNullAndOneGivesIt() {
        List<Target> one = TestTargets.targets(1);
        assertThat(new LeastRequests().pick(List.of(), PickContext.NONE)).isNull();
        assertThat(new LeastRequests().pick(one, PickContext.NONE)).isSameAs(one.get(0));
    }
}
