package io.portico.core.server;

/** JSON string quoting for the few documents the gateway writes itself (one escaper: {@link io.portico.core.telemetry.Json}). Stateless. */
final class Json {
    private Json() {
    }

    /** Appends {@code s} as a JSON string literal (quotes included); null becomes {@code null}. */
    static void quote(StringBuilder sb, String s) {
        io.portico.core.telemetry.Json.string(sb, s);
    }
}
