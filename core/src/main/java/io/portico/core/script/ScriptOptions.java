package io.portico.core.script;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for one script version. Immutable.
 *
 * @param timeout     time budget of one {@code onRequest}/{@code onResponse} call (default 50 ms); an
 *                    overdue call is cancelled and its context discarded
 * @param initTimeout time budget for evaluating the module in a new context (default 1 s); also bounds
 *                    {@link ScriptEngine#compile}'s evaluation of top-level code
 * @param poolSize    most contexts alive at once for the version (default 2 × available processors); each
 *                    costs about 70 KB of heap plus what the script allocates at top level
 * @param borrowWait  how long a call waits for a free context before failing with
 *                    {@link ScriptResult.Kind#BUSY} (default 100 ms)
 */
public record ScriptOptions(Duration timeout, Duration initTimeout, int poolSize, Duration borrowWait) {
    public ScriptOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initTimeout, "initTimeout");
        Objects.requireNonNull(borrowWait, "borrowWait");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (initTimeout.isNegative() || initTimeout.isZero()) {
            throw new IllegalArgumentException("initTimeout must be positive");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1");
        }
        if (borrowWait.isNegative()) {
            throw new IllegalArgumentException("borrowWait must not be negative");
        }
    }

    /** The defaults: 50 ms, 1 s, 2 × CPUs, 100 ms. */
    public static ScriptOptions defaults() {
        return new ScriptOptions(Duration.ofMillis(50), Duration.ofSeconds(1),
                2 * Runtime.getRuntime().availableProcessors(), Duration.ofMillis(100));
    }

    /** These options with another per-call timeout (the {@code script} filter's {@code timeout} key). */
    public ScriptOptions withTimeout(Duration t) {
        return new ScriptOptions(t, initTimeout, poolSize, borrowWait);
    }

    /** These options with another budget for module evaluation. */
    public ScriptOptions withInitTimeout(Duration t) {
        return new ScriptOptions(timeout, t, poolSize, borrowWait);
    }

    /** These options with another pool size. */
    public ScriptOptions withPoolSize(int size) {
        return new ScriptOptions(timeout, initTimeout, size, borrowWait);
    }
}
