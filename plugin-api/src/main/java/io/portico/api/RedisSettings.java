package io.portico.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's shared Redis ({@code redis:} at the top level of the configuration), as
 * {@link FilterContext#redis()} gives it to filters keeping state across gateway instances.
 *
 * @param url     {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://…} (TLS); validated
 *                by the gateway. May hold a password: never log it whole
 * @param timeout the longest a request may wait on Redis (a command, or getting a connection) before the filter
 *                treats Redis as unavailable; more than 0
 */
public record RedisSettings(String url, Duration timeout) {
    public RedisSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
    }
}
