package io.portico.core.upstream.balance;

/**
 * What a {@link Balancer} may ask about the request it picks a target for.
 *
 * <p>The server implements this lazily over its request: nothing is parsed or copied until a method is
 * called, and only the consistent-hash balancer calls any of them (once per pick). Every method returns
 * {@code null} when the request does not carry the item. An instance belongs to one request and is used on
 * that request's thread only.
 */
public interface PickContext {

    /** A context with nothing in it, for callers that pick without a client request. */
    PickContext NONE = new PickContext() {
        @Override
        public String clientIp() {
            return null;
        }

        @Override
        public String header(String lowerName) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String queryParam(String name) {
            return null;
        }
    };

    /** {@return the address of the directly connected peer as text (e.g. {@code 10.0.0.7} or {@code ::1}), or null} */
    String clientIp();

    /**
     * A request header.
     *
     * @param lowerName the header name in lower case; the lookup is case-insensitive
     * @return the first value, or null when absent
     */
    String header(String lowerName);

    /**
     * A request cookie, from the {@code Cookie} header(s).
     *
     * @param name the cookie name, matched exactly (case-sensitive)
     * @return the value of the first cookie of that name (surrounding double quotes removed, otherwise as
     *         sent), or null when absent
     */
    String cookie(String name);

    /**
     * A query parameter.
     *
     * @param name the decoded parameter name
     * @return the first value, percent-decoded as UTF-8 with {@code +} as space ({@code ""} for a name
     *         without {@code =}), or null when absent
     */
    String queryParam(String name);
}
