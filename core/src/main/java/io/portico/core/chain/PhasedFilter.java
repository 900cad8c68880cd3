package io.portico.core.chain;

import io.portico.api.GatewayFilter;
import io.portico.api.Phase;

/**
 * A filter that decides its own phase instead of taking its factory's (a script declares its phase in its
 * default export). The chain builder asks once, when the chain is built.
 */
public interface PhasedFilter extends GatewayFilter {

    /** The phase this filter runs in. */
    Phase phase();
}
