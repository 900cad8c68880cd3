package io.portico.plugins.requestid;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: request-id}, phase {@link Phase#AUTHENTICATE} (so that the id is in place before anything
 * can refuse the request): forwards the gateway's request id in a header of your choice and echoes it to
 * the client. See {@link RequestIdConfig}.
 */
@Extension
public final class RequestIdFilterFactory implements FilterFactory<RequestIdConfig> {

    @Override
    public String type() {
        return "request-id";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHENTICATE;
    }

    @Override
    public Class<RequestIdConfig> configType() {
        return RequestIdConfig.class;
    }

    @Override
    public GatewayFilter create(RequestIdConfig config, FilterContext context) {
        return new RequestIdFilter(config);
    }
}
