package io.portico.core.route;

/**
 * What the router needs to know about a request. Implemented by the server over its request type;
 * the router calls these methods on the request's thread, possibly several times, so they should be
 * cheap and must not allocate needlessly.
 */
public interface RequestFacts {

    /**
     * {@return the method, upper-case as sent (e.g. {@code GET})}
     */
    String method();

    /**
     * {@return the {@code Host} (or HTTP/2 {@code :authority}) value, possibly with a port, or {@code null}}
     */
    String host();

    /**
     * {@return the path, already normalized by {@link PathNormalizer#normalize}, still percent-encoded}
     */
    String path();

    /**
     * A request header.
     *
     * @param lowerCaseName header name, lower-case
     * @return the first value of that header (looked up case-insensitively), or {@code null}
     */
    String header(String lowerCaseName);

    /**
     * {@return the raw query string without the {@code ?}, still encoded; empty (or {@code null}) if none}
     */
    String rawQuery();
}
