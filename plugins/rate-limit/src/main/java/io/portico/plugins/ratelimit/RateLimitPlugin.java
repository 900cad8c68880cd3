package io.portico.plugins.ratelimit;

import org.pf4j.Plugin;

/**
 * The plugin's lifecycle: on stop (gateway shutdown, plugin unload) the Redis connections are closed and the
 * local buckets forgotten.
 */
public final class RateLimitPlugin extends Plugin {

    @Override
    public void stop() {
        SharedState.clear();
    }
}
