package io.portico.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.portico.core.upstream.balance.PickContext;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a balancer may ask about a Helidon request. Lazy: a method parses only what it is asked for, when
 * asked (most balancers ask nothing). Lives for one request on its thread.
 */
final class HelidonPickContext implements PickContext {
    private final ServerRequest req;

    HelidonPickContext(ServerRequest req) {
        this.req = req;
    }

    @Override
    public String clientIp() {
        SocketAddress a = req.remotePeer().address();
        return a instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() : null;
    }

    @Override
    public String header(String lowerName) {
        return req.headers().first(HeaderNames.create(lowerName)).orElse(null);
    }

    @Override
    public String cookie(String name) {
        if (!req.headers().contains(HeaderNames.COOKIE)) {
            return null;
        }
        for (String value : req.headers().get(HeaderNames.COOKIE).allValues()) {
            String found = Cookies.first(value, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    @Override
    public String queryParam(String name) {
        return req.prologue().hasQuery() ? RawQuery.first(req.query().rawValue(), name) : null;
    }
}
