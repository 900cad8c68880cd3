package io.portico.plugins.transform;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: transform}, phase {@link Phase#TRANSFORM}: rewrites headers, query parameters, the upstream
 * path and top-level JSON body fields of the request, and headers and JSON body fields of the response.
 * See {@link TransformConfig} and {@link TransformFilter}.
 */
@Extension
public final class TransformFilterFactory implements FilterFactory<TransformConfig> {

    @Override
    public String type() {
        return "transform";
    }

    @Override
    public Phase phase() {
        return Phase.TRANSFORM;
    }

    @Override
    public Class<TransformConfig> configType() {
        return TransformConfig.class;
    }

    @Override
    public GatewayFilter create(TransformConfig config, FilterContext context) {
        return new TransformFilter(config);
    }
}
