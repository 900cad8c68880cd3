package io.portico.core.server;

import io.helidon.webserver.http.ServerRequest;
import io.portico.core.chain.ExchangeBase;
import io.portico.core.config.Cidr;
import io.portico.core.route.PercentCodec;
import io.portico.core.route.RouteMatch;
import io.portico.core.upstream.Upstreams;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link io.portico.api.Exchange} of one request through a filtered route, over Helidon's
 * {@link ServerRequest}. Made only for routes that have a chain. Confined to the request's thread.
 */
final class HelidonExchange extends ExchangeBase {
    private final ServerRequest req;
    private final RouteMatch match;
    private final Forwarding forwarding;
    private final ExchangeRequest request;
    private final Upstreams upstreams;
    private final long maxBodySize;
    private Map<String, String> pathParams;
    private String clientIp;

    HelidonExchange(ServerRequest req, RouteMatch match, String path, String requestId, Forwarding forwarding,
                    long maxBodySize, Upstreams upstreams) {
        super(requestId, match.route().config().id(), match.route().config().upstream());
        this.upstreams = upstreams;
        this.maxBodySize = maxBodySize;
        this.req = req;
        this.match = match;
        this.forwarding = forwarding;
        this.request = new ExchangeRequest(req, path, match.upstreamPath(), maxBodySize);
    }

    @Override
    public long bodyLimit() {
        return maxBodySize;
    }

    @Override
    protected boolean upstreamExists(String name) {
        return upstreams.get(name) != null;
    }

    @Override
    public ExchangeRequest request() {
        return request;
    }

    @Override
    public Map<String, String> pathParams() {
        if (pathParams == null) {
            var params = match.params();
            if (params.isEmpty()) {
                pathParams = Map.of();
            } else {
                Map<String, String> m = new LinkedHashMap<>();
                for (String name : params.names()) {
                    String raw = params.get(name);
                    m.put(name, PercentCodec.decode(raw, 0, raw.length(), false));
                }
                pathParams = Collections.unmodifiableMap(m);
            }
        }
        return pathParams;
    }

    /**
     * The peer's address; when the peer is a trusted proxy, the rightmost {@code X-Forwarded-For} entry that
     * is not itself a trusted proxy (an entry that is not an IP literal is returned as written).
     */
    @Override
    public String clientIp() {
        if (clientIp == null) {
            SocketAddress a = req.remotePeer().address();
            InetAddress peer = a instanceof InetSocketAddress isa ? isa.getAddress() : null;
            String ip = peer == null ? "unknown" : peer.getHostAddress();
            if (forwarding.trusts(peer)) {
                var xff = req.headers().values(io.helidon.http.HeaderNames.create("X-Forwarded-For"));
                if (!xff.isEmpty()) {
                    String[] entries = String.join(",", xff).split(",");
                    for (int i = entries.length - 1; i >= 0; i--) {
                        String e = entries[i].trim();
                        if (e.isEmpty()) {
                            continue;
                        }
                        ip = e;
                        if (!forwarding.trusts(literal(e))) {
                            break;
                        }
                    }
                }
            }
            clientIp = ip;
        }
        return clientIp;
    }

    private static InetAddress literal(String s) {
        try {
            return InetAddress.getByAddress(Cidr.parse(s).network());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}
