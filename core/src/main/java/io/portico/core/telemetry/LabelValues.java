package io.portico.core.telemetry;

import java.net.URI;

/** Bounded label values for metrics: methods, status classes, target names. Stateless. */
public final class LabelValues {
    /** The method label values; anything else is {@code other}. */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT",
            "other"};
    static final int OTHER_METHOD = METHODS.length - 1;
    /** The status-class label values; index = status / 100 - 1, {@code other} for anything outside 100-599. */
    static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    static final int OTHER_STATUS = STATUS_CLASSES.length - 1;
    /** The route label of requests no route matched. */
    public static final String NO_ROUTE = "none";

    private LabelValues() {
    }

    /** Index into {@link #METHODS}: a known method (case-sensitive, as HTTP methods are), else other. */
    static int methodIndex(String method) {
        if (method != null) {
            for (int i = 0; i < OTHER_METHOD; i++) {
                if (METHODS[i].equals(method)) {
                    return i;
                }
            }
        }
        return OTHER_METHOD;
    }

    /** The method label: a known method, else {@code other}. */
    public static String method(String method) {
        return METHODS[methodIndex(method)];
    }

    static int statusIndex(int status) {
        return status >= 100 && status <= 599 ? status / 100 - 1 : OTHER_STATUS;
    }

    /** {@code 1xx} … {@code 5xx}, or {@code other} for a status outside 100-599. */
    public static String statusClass(int status) {
        return STATUS_CLASSES[statusIndex(status)];
    }

    /** A target's label: {@code host:port} (default port of the scheme when the URL has none). */
    public static String target(URI url) {
        int port = url.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        }
        String host = url.getHost();
        return (host == null ? String.valueOf(url.getAuthority()) : host) + ":" + port;
    }
}
