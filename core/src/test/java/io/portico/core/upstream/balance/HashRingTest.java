package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.TestTargets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HashRingTest {

    @Test
    void pointsPerWeightUnit() {
        assertThat(HashRing.of(TestTargets.weighted(1, 2, 3)).size()).isEqualTo(6 * HashRing.POINTS_PER_WEIGHT);
    }

    @Test
    void hugeTotalWeightIsCappedProportionally() {
        HashRing ring = HashRing.of(TestTargets.weighted(1000, 1000, 1000, 1));
        assertThat(ring.size()).isLessThanOrEqualTo(HashRing.MAX_POINTS + 4);
    }

    @Test
    void wrapsAroundAtTheEnd() {
        List<Target> t = TestTargets.targets(2);
        HashRing ring = HashRing.of(t);
        assertThat(ring.target(Long.MAX_VALUE)).isSameAs(ring.target(Long.MIN_VALUE));
    }

    @Test
    void hashSpreadsSimilarKeysOverAllBits() {
        // 16 buckets from the top bits and 16 from the low bits: sequential keys fill them evenly
        int[] top = new int[16];
        int[] low = new int[16];
        for (int k = 0; k < 16_000; k++) {
            long h = Hashing.hash64("10.0." + (k / 256) + "." + (k % 256));
            top[(int) (h >>> 60)]++;
            low[(int) (h & 15)]++;
        }
        assertThat(java.util.Arrays.stream(top).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
        assertThat(java.util.Arrays.stream(low).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
        assertThat(Hashing.hash64("abcd")).isNotEqualTo(Hashing.hash64("abc"));
        assertThat(Hashing.hash64("")).isNotEqualTo(Hashing.hash64("\0"));
    }
}
