package io.portico.plugins.iprestriction;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: ip-restriction}, phase {@link Phase#AUTHORIZE}: allows or denies clients by CIDR block
 * (403 problem {@code ip-denied}). See {@link IpRestrictionConfig}.
 */
@Extension
public final class IpRestrictionFilterFactory implements FilterFactory<IpRestrictionConfig> {

    @Override
    public String type() {
        return "ip-restriction";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHORIZE;
    }

    @Override
    public Class<IpRestrictionConfig> configType() {
        return IpRestrictionConfig.class;
    }

    @Override
    public GatewayFilter create(IpRestrictionConfig config, FilterContext context) {
        return new IpRestrictionFilter(config, context.metrics());
    }
}
