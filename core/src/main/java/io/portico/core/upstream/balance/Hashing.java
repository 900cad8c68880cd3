package io.portico.core.upstream.balance;

/**
 * A fast, well-mixed 64-bit string hash for the consistent-hash ring: MurmurHash3's x64 block and
 * finalization steps applied to UTF-16 code units (four per block), so no bytes are encoded or copied.
 * Deterministic across runs and machines (gateways sharing a configuration agree on every key's target).
 * Not for security: the keys are chosen by clients, but they only choose among the upstream's targets.
 */
final class Hashing {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Hashing() {
    }

    /** {@return the 64-bit hash of the characters of {@code s}} No allocation. */
    static long hash64(CharSequence s) {
        int len = s.length();
        long h = 0;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            long k = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            h ^= mixBlock(k);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        if (i < len) {
            long k = 0;
            for (int shift = 0; i < len; i++, shift += 16) {
                k |= (long) s.charAt(i) << shift;
            }
            h ^= mixBlock(k);
        }
        return fmix64(h ^ len);
    }

    /** {@return the {@code index}-th of a stream of well-spread values derived from {@code seed}} (SplitMix64) */
    static long derive(long seed, int index) {
        return fmix64(seed + (index + 1) * GOLDEN);
    }

    private static long mixBlock(long k) {
        return Long.rotateLeft(k * C1, 31) * C2;
    }

    private static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
