package io.portico.plugins.requestid;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;

/**
 * Puts {@link Exchange#requestId()} into the configured request header (unless it is {@code X-Request-Id},
 * which the gateway sets itself) and, with {@code echo}, sets it on the response. Any value the client sent in
 * that header is replaced: the gateway's id is the one that is logged and traced. Stateless.
 */
final class RequestIdFilter implements GatewayFilter {
    static final String GATEWAY_HEADER = "X-Request-Id";

    private final String header;
    private final boolean custom;
    private final boolean echo;

    RequestIdFilter(RequestIdConfig config) {
        this.header = config.header();
        this.custom = !header.equalsIgnoreCase(GATEWAY_HEADER);
        this.echo = config.echo();
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        if (custom) {
            exchange.request().headers().set(header, exchange.requestId());
        }
        return Decision.proceed();
    }

    @Override
    public void onResponse(Exchange exchange) {
        if (echo) {
            exchange.response().headers().set(header, exchange.requestId());
        }
    }
}
