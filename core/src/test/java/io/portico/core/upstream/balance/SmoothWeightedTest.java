package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SmoothWeightedTest {

    private static String sequence(Balancer b, List<Target> t, int picks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append((char) ('a' + t.indexOf(b.pick(t, PickContext.NONE))));
        }
        return sb.toString();
    }

    @Test
    void givesNginxSequenceFor5_1_1() {
        List<Target> t = TestTargets.weighted(5, 1, 1);
        Balancer b = new SmoothWeighted();
        assertThat(sequence(b, t, 14)).isEqualTo("a a b a c a a a a b a c a a");
    }

    @Test
    void threeToOneIsSeventyFivePercent() {
        List<Target> t = TestTargets.weighted(3, 1);
        Balancer b = new SmoothWeighted();
        assertThat(sequence(b, t, 8)).isEqualTo("a a b a a a b a");
        int first = 0;
        for (int i = 0; i < 4000; i++) {
            if (b.pick(t, PickContext.NONE) == t.get(0)) {
                first++;
            }
        }
        assertThat(first).isBetween(2800, 3200).isEqualTo(3000);
    }

    @Test
    void everyCycleOfTotalWeightHoldsEachTargetExactlyWeightTimes() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            int n = 2 + random.nextInt(6);
            int[] weights = new int[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(20);
                total += weights[i];
            }
            List<Target> t = TestTargets.weighted(weights);
            Balancer b = new SmoothWeighted();
            for (int cycle = 0; cycle < 3; cycle++) {
                int[] counts = new int[n];
                for (int i = 0; i < total; i++) {
                    counts[t.indexOf(b.pick(t, PickContext.NONE))]++;
                }
                assertThat(counts).containsExactly(weights);
            }
        }
    }

    @Test
    void concurrentPicksKeepExactProportions() throws Exception {
        List<Target> t = TestTargets.weighted(3, 1);
        Balancer b = new SmoothWeighted();
        Map<Target, AtomicInteger> counts = new ConcurrentHashMap<>();
        int threads = 8;
        int perThread = 4000; // 32 000 picks: a multiple of the total weight
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < perThread; k++) {
                    counts.computeIfAbsent(b.pick(t, PickContext.NONE), x -> new AtomicInteger()).incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread th : started) {
            th.join();
        }
        assertThat(counts.get(t.get(0)).get()).isEqualTo(24_000);
        assertThat(counts.get(t.get(1)).get()).isEqualTo(8_000);
    }

    @Test
    void aSubsetIsWeightedAmongItselfAndTargetsKeepTheirCountersAcrossSets() {
        List<Target> all = TestTargets.weighted(5, 1, 1);
        List<Target> withoutA = List.of(all.get(1), all.get(2));
        Balancer b = new SmoothWeighted();
        assertThat(sequence(b, all, 3)).isEqualTo("a a b");
        // a is left out for a while: only b and c, evenly (c starts with the credit it had built up)
        Map<Target, Integer> counts = new IdentityHashMap<>();
        for (int i = 0; i < 40; i++) {
            counts.merge(b.pick(withoutA, PickContext.NONE), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(all.get(1), all.get(2));
        assertThat(counts.get(all.get(1))).isBetween(18, 22);
        // and back: the full set resumes with the saved counters and keeps 5:1:1
        int[] cycle = new int[3];
        for (int i = 0; i < 7 * 10; i++) {
            cycle[all.indexOf(b.pick(all, PickContext.NONE))]++;
        }
        assertThat(cycle[0]).isBetween(48, 52);
        assertThat(cycle[1]).isBetween(8, 12);
    }

    @Test
    void emptyGivesNullAndOneGivesIt() {
        List<Target> one = TestTargets.weighted(7);
        Balancer b = new SmoothWeighted();
        assertThat(b.pick(List.of(), PickContext.NONE)).isNull();
        assertThat(b.pick(one, PickContext.NONE)).isSameAs(one.get(0));
    }
}
