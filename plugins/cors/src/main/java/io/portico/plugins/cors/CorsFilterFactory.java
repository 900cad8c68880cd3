package io.portico.plugins.cors;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: cors}, phase {@link Phase#AUTHENTICATE}, so that preflights (which carry no credentials) are
 * answered before authentication filters can refuse them. See {@link CorsFilter} and {@link CorsConfig}.
 */
@Extension
public final class CorsFilterFactory implements FilterFactory<CorsConfig> {

    @Override
    public String type() {
        return "cors";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHENTICATE;
    }

    @Override
    public Class<CorsConfig> configType() {
        return CorsConfig.class;
    }

    @Override
    public GatewayFilter create(CorsConfig config, FilterContext context) {
        return new CorsFilter(config);
    }
}
