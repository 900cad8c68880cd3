package io.portico.plugins.keyauth;

import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Metrics;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Authenticates the request by its API key and sets the {@link Consumer}.
 *
 * <ul>
 *   <li>No key ({@link KeyLocator}) → 401 problem {@code unauthorized}.</li>
 *   <li>Unknown key, several values of the source read, or a key longer than {@link #MAX_KEY_LENGTH} characters
 *       (refused without hashing) → 401 problem {@code invalid-api-key}, one answer for every cause.</li>
 *   <li>A known key → the consumer of that key is set (replacing one an earlier authenticate filter set: the key
 *       is always required); unless {@code forward}, the header and the query parameter are removed.</li>
 * </ul>
 * Both refusals carry {@code WWW-Authenticate: ApiKey realm="portico", header="<header>"} (plus
 * {@code , query="<name>"} when the query parameter is read). The key is never logged, put in an answer or in a
 * metric; refusal causes are logged at FINE with the request id. Metrics: {@code missing}, {@code invalid},
 * {@code ok}. Immutable, thread-safe.
 */
final class KeyAuthFilter implements GatewayFilter {
    /** Keys longer than this many characters are refused without being hashed. */
    static final int MAX_KEY_LENGTH = 1024;

    private final ApiKeys keys;
    private final KeyLocator locator;
    private final boolean forward;
    private final Decision.Respond missing;
    private final Decision.Respond invalid;
    private final Metrics metrics;
    private final Logger logger;

    KeyAuthFilter(KeyAuthConfig config, ApiKeys keys, Metrics metrics, Logger logger) {
        this.keys = keys;
        this.locator = new KeyLocator(config.header(), config.query());
        this.forward = config.forward();
        String challenge = challenge(config);
        String where = "the " + config.header() + " header"
                + config.query().map(q -> " or the " + q + " query parameter").orElse("");
        this.missing = Decision.problem(401, "unauthorized", "Unauthorized",
                "This route requires an API key in " + where + ".").header("WWW-Authenticate", challenge);
        this.invalid = Decision.problem(401, "invalid-api-key", "Unauthorized",
                "The API key is not valid.").header("WWW-Authenticate", challenge);
        this.metrics = metrics;
        this.logger = logger;
    }

    /** {@code ApiKey realm="portico", header="X-Api-Key"[, query="api_key"]}. */
    static String challenge(KeyAuthConfig config) {
        return "ApiKey realm=\"portico\", header=\"" + config.header() + "\""
                + config.query().map(q -> ", query=\"" + q.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").orElse("");
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        KeyLocator.Presented presented = locator.find(exchange.request());
        return switch (presented) {
            case KeyLocator.Missing m -> {
                metrics.increment("missing");
                yield missing;
            }
            case KeyLocator.Ambiguous a -> refuse(exchange, "several values in the " + a.source());
            case KeyLocator.Found f -> authenticate(exchange, f);
        };
    }

    private Decision authenticate(Exchange exchange, KeyLocator.Found found) {
        if (found.key().length() > MAX_KEY_LENGTH) {
            return refuse(exchange, "key from the " + found.source() + " longer than " + MAX_KEY_LENGTH + " characters");
        }
        Optional<Consumer> consumer = keys.find(found.key());
        if (consumer.isEmpty()) {
            return refuse(exchange, "unknown key from the " + found.source());
        }
        exchange.consumer(consumer.get());
        if (!forward) {
            locator.strip(exchange.request());
        }
        metrics.increment("ok");
        logger.fine(() -> "request " + exchange.requestId() + " authenticated as consumer '" + consumer.get().id() + "'");
        return Decision.proceed();
    }

    /** {@code reason} never contains the key. */
    private Decision refuse(Exchange exchange, String reason) {
        metrics.increment("invalid");
        logger.fine(() -> "API key refused on request " + exchange.requestId() + ": " + reason);
        return invalid;
    }
}
