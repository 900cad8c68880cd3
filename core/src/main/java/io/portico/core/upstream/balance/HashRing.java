package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring: each target owns {@code weight × }{@value #POINTS_PER_WEIGHT} points, and a key
 * belongs to the first point at or after its hash (wrapping around).
 *
 * <p>A target's points depend only on its URL and its weight, never on the other targets or their order,
 * so adding a target only takes keys over (to the new target), and gateways with the same configuration
 * agree. The owner's index is kept in the low 16 bits of each point, so the ring is a single sorted
 * {@code long[]}; the remaining 48 bits of hash are plenty to place points.
 *
 * <p>Immutable and thread-safe once built; {@link #target(long)} does not allocate.
 */
final class HashRing {
    /** Ring points per unit of weight: about ±8% spread of each target's share of keys. */
    static final int POINTS_PER_WEIGHT = 160;
    /**
     * Above this many points (total weight above 1638) every target gets proportionally fewer points per
     * unit of weight, to bound memory (2 MiB); then changing the total weight re-places points and keys
     * may also move between the targets that stay.
     */
    static final int MAX_POINTS = 1 << 18;
    private static final int OWNER_BITS = 16;
    private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

    private final long[] points;
    private final Target[] owners;

    private HashRing(long[] points, Target[] owners) {
        this.points = points;
        this.owners = owners;
    }

    /**
     * Builds the ring of {@code targets}: O(points · log points).
     *
     * @throws IllegalArgumentException for an empty list or more than 65 536 targets
     */
    static HashRing of(List<Target> targets) {
        int n = targets.size();
        if (n == 0 || n > OWNER_MASK + 1) {
            throw new IllegalArgumentException("a hash ring needs 1.." + (OWNER_MASK + 1) + " targets, not " + n);
        }
        long totalWeight = 0;
        for (Target t : targets) {
            totalWeight += t.weight();
        }
        double perWeight = totalWeight * POINTS_PER_WEIGHT <= MAX_POINTS
                ? POINTS_PER_WEIGHT : (double) MAX_POINTS / totalWeight;
        int[] counts = new int[n];
        int size = 0;
        for (int i = 0; i < n; i++) {
            counts[i] = Math.max(1, (int) Math.round(targets.get(i).weight() * perWeight));
            size += counts[i];
        }
        long[] points = new long[size];
        int p = 0;
        for (int i = 0; i < n; i++) {
            long seed = Hashing.hash64(targets.get(i).url().toString());
            for (int k = 0; k < counts[i]; k++) {
                points[p++] = (Hashing.derive(seed, k) & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(points);
        return new HashRing(points, targets.toArray(new Target[0]));
    }

    /** {@return the target owning {@code hash}: the first point at or after it, wrapping around} */
    Target target(long hash) {
        int i = Arrays.binarySearch(points, hash);
        if (i < 0) {
            i = -i - 1;
            if (i == points.length) {
                i = 0;
            }
        }
        return owners[(int) (points[i] & OWNER_MASK)];
    }

    /** {@return the number of points on the ring} */
    int size() {
        return points.length;
    }
}
