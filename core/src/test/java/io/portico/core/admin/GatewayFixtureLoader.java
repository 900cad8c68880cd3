package io.portico.core.admin;

import io.portico.core.config.ConfigLoader;
import io.portico.core.config.FilterTypes;

/** Loaders for admin tests that do not validate filter options. */
final class GatewayFixtureLoader {
    private GatewayFixtureLoader() {
    }

    static ConfigLoader none() {
        return new ConfigLoader(FilterTypes.none(), System::getenv);
    }
}
