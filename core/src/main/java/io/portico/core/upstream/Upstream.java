package io.portico.core.upstream;

import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.portico.core.config.UpstreamConfig;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named set of targets with its own keep-alive connection pool and timeouts.
 *
 * <p>Thread-safe: {@link #pick()} is lock-free and may be called from any number of virtual threads.
 * Picking is round-robin over the targets for now; the load-balancing issue adds the other balancers and
 * health state. The pooled {@link Http1Client} is never shared with another upstream, so one slow upstream
 * cannot exhaust another's connections.
 */
public final class Upstream {
    private final String name;
    private final List<Target> targets;
    private final Duration responseTimeout;
    private final Http1Client client;
    private final AtomicInteger next = new AtomicInteger();

    public Upstream(UpstreamConfig config) {
        this.name = config.name();
        this.targets = config.targets().stream().map(Target::new).toList();
        this.responseTimeout = config.responseTimeout();
        this.client = Http1Client.builder()
                .proxy(Proxy.noProxy())          // the default (system) proxy adds Proxy-Connection
                .followRedirects(false)          // a proxy passes 3xx through
                .sendExpectContinue(false)       // the gateway already answered 100 to its client
                .keepAlive(true)
                .shareConnectionCache(false)     // one pool per upstream
                .connectionCacheSize(512)
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.responseTimeout())
                .servicesDiscoverServices(false)
                .addService(ProxyClient.NO_DEFAULT_USER_AGENT)
                .protocolConfig(p -> p.defaultKeepAlive(true).maxHeaderSize(64 * 1024).maxStatusLineLength(1024))
                .build();
    }

    public String name() {
        return name;
    }

    public List<Target> targets() {
        return targets;
    }

    /** The upstream's response timeout (a route may override it per request). */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    Http1Client client() {
        return client;
    }

    /** The next target to use, or null when the upstream has none available (answer 503). */
    public Target pick() {
        int n = targets.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return targets.get(0);
        }
        return targets.get(Math.floorMod(next.getAndIncrement(), n));
    }

    /** Closes pooled connections; requests in flight are not interrupted. */
    public void close() {
        client.closeResource();
    }
}
