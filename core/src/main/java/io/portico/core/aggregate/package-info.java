/**
 * Aggregate routes: one client request fanned out to several upstream requests ("parts") in parallel, each
 * after the parts it depends on, and their JSON answers merged into one response.
 *
 * <p>Entry point: {@link io.portico.core.aggregate.Aggregator#run}, called by the server on the request's
 * thread after the route's filters ran. {@link io.portico.core.aggregate.FanOut} schedules the parts on
 * virtual threads (deadlines, cancellation), {@link io.portico.core.aggregate.PartCall} makes one part's
 * request, {@link io.portico.core.aggregate.Merger} implementations build the body. No Helidon types here.
 */
package io.portico.core.aggregate;
