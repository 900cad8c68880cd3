package io.portico.core.server;

import io.portico.core.route.RouteTable;
import io.portico.core.upstream.Upstreams;

/**
 * What one configuration contributes to the request path. Immutable; a reload publishes a new one and
 * requests in flight finish on the one they started with.
 */
public record Snapshot(RouteTable routes, Upstreams upstreams) {
}
