package io.portico.core.config;

import java.net.URI;

/**
 * One upstream target.
 *
 * @param url    {@code http://host:port} with an optional base path (no query, no fragment)
 * @param weight relative weight, at least 1, default 1
 */
public record TargetConfig(URI url, int weight) {
}
