package io.portico.plugins.ratelimit;

/** Where the buckets live: {@code local} (this gateway's memory) or {@code redis} (shared by every instance). */
public enum Backend {
    LOCAL, REDIS
}
