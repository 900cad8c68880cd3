package com.example.hello;

import io.portico.api.ConfigDefault;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

import java.util.List;

/**
 * Filter type {@code hello}: tells the upstream who greets it, and turns away callers without a name.
 *
 * <pre>
 * filters:
 *   - { type: hello, greeting: "Hi", required-header: X-Name }
 * </pre>
 */
@Extension
public final class HelloFilterFactory implements FilterFactory<HelloFilterFactory.Config> {

    /**
     * The filter's configuration, bound from YAML (kebab-case keys) when the config is loaded.
     *
     * @param greeting       sent upstream as {@code X-Greeting}
     * @param requiredHeader requests without this header are answered 400
     * @param skipPaths      paths that need no header
     */
    public record Config(@ConfigDefault("Hello") String greeting,
                         @ConfigDefault("X-Name") String requiredHeader,
                         List<String> skipPaths) {
        public Config {
            if (greeting.isBlank()) {
                throw new IllegalArgumentException("greeting must not be blank");
            }
        }
    }

    @Override
    public String type() {
        return "hello";
    }

    @Override
    public Phase phase() {
        return Phase.TRANSFORM;
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public GatewayFilter create(Config config, FilterContext context) {
        return new GatewayFilter() {
            @Override
            public Decision onRequest(Exchange exchange) {
                if (config.skipPaths().contains(exchange.request().path())) {
                    return Decision.proceed();
                }
                String name = exchange.request().headers().first(config.requiredHeader()).orElse(null);
                if (name == null) {
                    context.metrics().increment("hello_rejected");
                    return Decision.problem(400, "name-required", "Bad Request",
                            "Say who you are in the " + config.requiredHeader() + " header.");
                }
                exchange.request().headers().set("X-Greeting", config.greeting() + ", " + name);
                return Decision.proceed();
            }

            @Override
            public void onResponse(Exchange exchange) {
                exchange.response().headers().set("X-Greeted", "yes");
            }
        };
    }
}
