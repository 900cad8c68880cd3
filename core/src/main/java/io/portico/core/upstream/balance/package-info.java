/**
 * Load balancing: a {@link io.portico.core.upstream.balance.Balancer} chooses one target among the
 * candidates an upstream passes it, using a {@link io.portico.core.upstream.balance.PickContext} over the
 * request when it needs a key. {@link io.portico.core.upstream.balance.Balancers#create} maps the
 * {@code balancer:} setting to an implementation.
 *
 * <p>Every balancer is thread-safe and shared by all requests to its upstream. Picks are lock-free
 * except {@code weighted}, which holds a per-balancer monitor for about 20 ns. No pick allocates once
 * the per-candidate-list state is built. Measured costs: {@code docs/benchmarks.md}, "Balancer pick
 * cost" (JMH, {@code bench/}). Pure Java: no server types.
 */
package io.portico.core.upstream.balance;
