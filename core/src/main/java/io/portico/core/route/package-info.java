/**
 * Request routing: {@link io.portico.core.route.PathNormalizer} (the edge's path policy),
 * {@link io.portico.core.route.PathPattern}, and the immutable
 * {@link io.portico.core.route.RouteTable} that picks a {@link io.portico.core.route.Route} for a
 * {@link io.portico.core.route.RequestFacts}. Pure Java, no server types.
 */
package io.portico.core.route;
