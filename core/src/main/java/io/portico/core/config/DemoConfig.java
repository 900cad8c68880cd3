package io.portico.core.config;

/**
 * The embedded demo upstream ({@code demo:}): an in-process echo server that answers every request with
 * a JSON description of it (method, path, query, headers, body). Off unless the file enables it.
 *
 * @param enabled whether to start it
 * @param host    address to bind, default {@code 127.0.0.1}
 * @param port    TCP port, default 9081
 */
public record DemoConfig(boolean enabled, String host, int port) {
    public static DemoConfig disabled() {
        return new DemoConfig(false, "127.0.0.1", 9081);
    }
}
