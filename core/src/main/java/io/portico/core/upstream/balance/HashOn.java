package io.portico.core.upstream.balance;

/**
 * What a consistent-hash balancer hashes ({@code hash-on}): the client IP, or a header, cookie or query
 * parameter. When the chosen item is absent or empty the client IP is used instead, so requests without
 * the key still spread across targets rather than all landing on one. Immutable.
 *
 * @param source where the key comes from
 * @param name   the header (lower case), cookie or parameter name; empty for {@link Source#IP}
 */
record HashOn(Source source, String name) {

    /** The kinds of {@code hash-on}. */
    enum Source { IP, HEADER, COOKIE, PARAM }

    /**
     * Parses a validated {@code hash-on} value.
     *
     * @throws IllegalArgumentException for anything the config loader would not have accepted
     */
    static HashOn parse(String spec) {
        if (spec.equals("ip")) {
            return new HashOn(Source.IP, "");
        }
        int colon = spec.indexOf(':');
        String name = colon < 0 ? "" : spec.substring(colon + 1);
        Source source = switch (colon < 0 ? spec : spec.substring(0, colon)) {
            case "header" -> Source.HEADER;
            case "cookie" -> Source.COOKIE;
            case "param" -> Source.PARAM;
            default -> null;
        };
        if (source == null || name.isEmpty()) {
            throw new IllegalArgumentException("invalid hash-on: " + spec);
        }
        return new HashOn(source, source == Source.HEADER ? name.toLowerCase(java.util.Locale.ROOT) : name);
    }

    /** {@return the key of this request: the configured item, else the client IP, else {@code ""}} */
    String key(PickContext ctx) {
        String key = switch (source) {
            case IP -> null;
            case HEADER -> ctx.header(name);
            case COOKIE -> ctx.cookie(name);
            case PARAM -> ctx.queryParam(name);
        };
        if (key == null || key.isEmpty()) {
            key = ctx.clientIp();
        }
        return key == null ? "" : key;
    }
}
