package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;

import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.webclient.api.ClientUri;

import java.net.URI;

/**
 * One upstream instance: where to connect, what to send as {@code Host}, and the base path to prefix.
 *
 * <p>Immutable and shared by all requests. {@link #toString()} is for logs only: an internal address must
 * never reach a client.
 */
public final class Target {
    private final URI url;
    private final int weight;
    private final String origin;
    private final String hostHeader;
    private final String basePath;
    private final String host;
    private final int port;

    Target(TargetConfig config) {
        this.url = config.url();
        this.weight = config.weight();
        this.host = url.getHost();
        this.port = url.getPort() < 0 ? 80 : url.getPort();
        this.hostHeader = port == 80 ? url.getHost() : url.getHost() + ":" + port;
        this.origin = "http://" + url.getHost() + ":" + port;
        String p = url.getRawPath();
        this.basePath = p == null || p.equals("/") ? "" : (p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }

    /**
     * The client URI for a request target ({@code /path?query}, already validated and encoded). The string
     * is written to the wire exactly as given: the client neither re-encodes nor normalizes it.
     */
    public ClientUri uri(String pathAndQuery) {
        return ClientUri.create(UriInfo.builder().scheme("http").host(host).port(port)
                .path(UriPath.create(basePath + pathAndQuery)).build());
    }

    /** {@code http://host:port}, without path. */
    public String origin() {
        return origin;
    }

    /** The value of {@code Host} for requests to this target ({@code host} or {@code host:port}). */
    public String hostHeader() {
        return hostHeader;
    }

    /** The target URL's path without trailing slash ({@code ""} when none); prefixed to forwarded paths. */
    public String basePath() {
        return basePath;
    }

    public int weight() {
        return weight;
    }

    public URI url() {
        return url;
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
