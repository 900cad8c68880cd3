package io.portico.plugins.iprestriction;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Metrics;
import java.util.List;
import java.util.Optional;

/**
 * Refuses clients by {@link Exchange#clientIp()}: denied when the address is in a {@code deny} block, or when
 * {@code allow} is non-empty and the address is in none of its blocks; answered with 403 problem
 * {@code ip-denied}. An address that is not an IP literal (which the gateway never produces) is refused.
 * Counts refusals in the metric {@code denied}. Immutable, thread-safe.
 */
final class IpRestrictionFilter implements GatewayFilter {
    static final Decision.Respond DENIED = Decision.problem(403, "ip-denied", "Forbidden",
            "Requests from your IP address are not allowed on this route.");

    private final List<IpBlock> allow;
    private final List<IpBlock> deny;
    private final Metrics metrics;

    IpRestrictionFilter(IpRestrictionConfig config, Metrics metrics) {
        this.allow = config.allowBlocks();
        this.deny = config.denyBlocks();
        this.metrics = metrics;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        if (permits(exchange.clientIp())) {
            return Decision.proceed();
        }
        metrics.increment("denied");
        return DENIED;
    }

    /** Whether {@code clientIp} passes the rules. */
    boolean permits(String clientIp) {
        Optional<byte[]> address = clientIp == null ? Optional.empty() : IpBlock.literal(clientIp);
        if (address.isEmpty()) {
            return false;
        }
        byte[] a = address.get();
        if (deny.stream().anyMatch(b -> b.contains(a))) {
            return false;
        }
        return allow.isEmpty() || allow.stream().anyMatch(b -> b.contains(a));
    }
}
