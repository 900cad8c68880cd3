package io.portico.bench;

import io.portico.api.Request;
import io.portico.core.chain.ExchangeBase;
import java.util.Map;

/** The least an exchange can be for the benchmarks: fixed ids, no path parameters, the given request view. */
final class BenchExchange extends ExchangeBase {
    private final Request request;

    /** @param request the request view, or null for filters that never read it */
    BenchExchange(Request request) {
        super("req-1", "route", "upstream");
        this.request = request;
    }

    @Override
    protected boolean upstreamExists(String name) {
        return name.startsWith("upstream");
    }

    @Override
    public Map<String, String> pathParams() {
        return Map.of();
    }

    @Override
    public String clientIp() {
        return "127.0.0.1";
    }

    @Override
    public Request request() {
        if (request == null) {
            throw new UnsupportedOperationException("this benchmark's exchange has no request view");
        }
        return request;
    }
}
