package io.portico.plugins.acl;

import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Metrics;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Lets through only consumers that satisfy the {@link AclRules}.
 *
 * <ul>
 *   <li>No consumer (no authenticate filter set one) → 401 problem {@code unauthorized}, without a
 *       {@code WWW-Authenticate} header: the challenge belongs to the route's authenticate filter, and acl cannot
 *       tell which scheme the route uses.</li>
 *   <li>A consumer that fails a rule → 403 problem {@code forbidden}; which rule failed is logged at FINE with the
 *       consumer id and request id, never told to the client.</li>
 *   <li>Otherwise proceeds.</li>
 * </ul>
 * Metrics: {@code allowed}, {@code denied}, {@code unauthenticated}. Immutable, thread-safe.
 */
final class AclFilter implements GatewayFilter {
    static final Decision.Respond UNAUTHENTICATED = Decision.problem(401, "unauthorized", "Unauthorized",
            "This route requires an authenticated caller.");
    static final Decision.Respond FORBIDDEN = Decision.problem(403, "forbidden", "Forbidden",
            "The caller is not allowed on this route.");

    private final AclRules rules;
    private final Metrics metrics;
    private final Logger logger;

    AclFilter(AclRules rules, Metrics metrics, Logger logger) {
        this.rules = rules;
        this.metrics = metrics;
        this.logger = logger;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Optional<Consumer> consumer = exchange.consumer();
        if (consumer.isEmpty()) {
            metrics.increment("unauthenticated");
            logger.fine(() -> "request " + exchange.requestId() + " refused: no authenticated consumer");
            return UNAUTHENTICATED;
        }
        List<String> violations = rules.violations(consumer.get());
        if (!violations.isEmpty()) {
            metrics.increment("denied");
            logger.fine(() -> "consumer '" + consumer.get().id() + "' denied on request " + exchange.requestId()
                    + ": " + String.join("; ", violations));
            return FORBIDDEN;
        }
        metrics.increment("allowed");
        return Decision.proceed();
    }
}
