package io.portico.plugins.requestsize;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: request-size}, phase {@link Phase#AUTHORIZE}: a per-route request body limit below
 * {@code server.max-body-size} (413 problem {@code payload-too-large}). See {@link RequestSizeFilter}.
 */
@Extension
public final class RequestSizeFilterFactory implements FilterFactory<RequestSizeConfig> {

    @Override
    public String type() {
        return "request-size";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHORIZE;
    }

    @Override
    public Class<RequestSizeConfig> configType() {
        return RequestSizeConfig.class;
    }

    /** Logs a warning (and still works) when the limit is above {@code server.max-body-size}, which then wins. */
    @Override
    public GatewayFilter create(RequestSizeConfig config, FilterContext context) {
        long max = config.maxBodySize().bytes();
        if (max > context.maxBodySize()) {
            context.logger().warning("max-body-size " + max + " is above server.max-body-size "
                    + context.maxBodySize() + "; the server limit applies");
        }
        return new RequestSizeFilter(max, context.maxBodySize(), context.metrics());
    }
}
