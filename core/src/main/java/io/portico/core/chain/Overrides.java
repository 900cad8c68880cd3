package io.portico.core.chain;

import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;

/**
 * Which optional callbacks a filter class implements, so the executor neither calls nor times the
 * default no-op {@code onResponse}/{@code onComplete}. Computed once per class (a {@link ClassValue}, which
 * does not keep a plugin's class loader alive); thread-safe.
 *
 * @param onResponse whether the class overrides {@link GatewayFilter#onResponse}
 * @param onComplete whether the class overrides {@link GatewayFilter#onComplete}
 */
record Overrides(boolean onResponse, boolean onComplete) {
    private static final ClassValue<Overrides> CACHE = new ClassValue<>() {
        @Override
        protected Overrides computeValue(Class<?> type) {
            return new Overrides(overrides(type, "onResponse"), overrides(type, "onComplete"));
        }
    };

    static Overrides of(GatewayFilter filter) {
        return CACHE.get(filter.getClass());
    }

    private static boolean overrides(Class<?> type, String method) {
        try {
            return type.getMethod(method, Exchange.class).getDeclaringClass() != GatewayFilter.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // when in doubt, call it
        }
    }
}
