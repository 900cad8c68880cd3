package io.portico.api;

/**
 * The named phases of the request filter chain, in execution order.
 *
 * <p>Global filters run before a route's own filters within each phase; within a phase, filters run in
 * the order the configuration lists them. Response callbacks run in the reverse order. There are no
 * numeric orders: a filter declares its phase and its place in the list decides the rest.
 */
public enum Phase {
    /** Establish who the caller is (JWT, API key). */
    AUTHENTICATE,
    /** Decide whether the caller may do this (scopes, groups, ACLs, IP rules). */
    AUTHORIZE,
    /** Spend rate limits and quotas. */
    QUOTA,
    /** Change the request before it goes upstream (headers, query, path, body). */
    TRANSFORM
}
