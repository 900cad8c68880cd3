package io.portico.core.aggregate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.opentelemetry.api.trace.Span;
import io.portico.core.config.PartConfig;
import io.portico.core.config.Template;
import io.portico.core.telemetry.tracing.Tracing;
import io.portico.core.upstream.ProxyClient;
import io.portico.core.upstream.RequestHead;
import io.portico.core.upstream.Retries;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import io.portico.core.upstream.UpstreamFailure;
import io.portico.core.upstream.UpstreamResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes one part's request and turns the answer into a {@link PartOutcome}: templates rendered, a target
 * picked by the upstream's balancer, the request sent with the forwarded headers (minus those about the
 * client's own body, content negotiation and conditional requests: a part always asks for
 * {@code Accept: application/json} and {@code Accept-Encoding: identity}), then the part's own headers.
 * A connect failure or a 502/503 is tried again on another target like a proxied request (idempotent
 * methods, {@code retries.attempts}, the retry budget); an open circuit moves to another target for free.
 * The answer must be 2xx, not content-encoded, {@code application/json} or {@code *+json} (or untyped), at
 * most {@code maxBody} bytes, and valid JSON (an empty body reads as {@code null}).
 *
 * <p>Blocking, on the part's own virtual thread; interrupting that thread cancels the request (the socket
 * is closed). Stateless and thread-safe.
 */
final class PartCall {
    private static final Logger LOG = Logger.getLogger(PartCall.class.getName());
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final io.opentelemetry.api.common.AttributeKey<String> PART =
            io.opentelemetry.api.common.AttributeKey.stringKey("portico.aggregate.part");
    /** Forwarded headers a part request never carries (lower case); the part sets its own where needed. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "accept", "accept-encoding", "content-type",
            "content-length", "content-encoding", "content-language", "content-location", "content-range",
            "transfer-encoding", "expect", "range", "if-range", "if-match", "if-none-match", "if-modified-since",
            "if-unmodified-since");
    private static final ProxyClient.Body EMPTY = new ProxyClient.Body(out -> { }, 0, true);

    private final ProxyClient client;
    private final long maxBody;

    PartCall(ProxyClient client, long maxBody) {
        this.client = client;
        this.maxBody = maxBody;
    }

    /** Runs {@code plan} with the answers of its dependencies ({@code deps}, by part name). */
    PartOutcome call(PartPlan plan, AggregateRequest req, Map<String, JsonNode> deps) {
        long start = System.nanoTime();
        try {
            return send(plan, req, new Templates.Values(req, deps), start);
        } catch (PartFailure f) {
            return f.outcome(System.nanoTime() - start);
        }
    }

    private PartOutcome send(PartPlan plan, AggregateRequest req, Templates.Values values, long start)
            throws PartFailure {
        PartConfig cfg = plan.config();
        String target = Templates.path(cfg.path(), values);
        RequestHead extra = new RequestHead(cfg.method(), target);
        for (Map.Entry<String, Template> h : cfg.headers().entrySet()) {
            extra.add(h.getKey(), Templates.header(h.getKey(), h.getValue(), values));
        }
        Upstream upstream = req.upstreams().get(cfg.upstream());
        if (upstream == null) {
            throw new PartFailure(503, PartOutcome.Cause.NO_TARGET, "no upstream target available");
        }
        Duration timeout = cfg.timeout().orElse(upstream.responseTimeout());
        Retries retries = new Retries(upstream);
        boolean idempotent = extra.idempotent();
        Target t = upstream.pick(req.pick());
        int attempt = 0;
        while (true) {
            if (t == null) {
                throw new PartFailure(503, PartOutcome.Cause.NO_TARGET,
                        upstream.circuitOpen() ? "circuit open" : "no upstream target available");
            }
            RequestHead head = head(extra, t, req.forwarded());
            Span span = req.trace() == null ? null
                    : req.trace().startClient(cfg.method(), upstream.name(), t, attempt, head);
            if (span != null) {
                span.setAttribute(PART, cfg.name());
            }
            attempt++;
            UpstreamResponse res;
            try {
                res = client.send(upstream, t, head, plan.hasBody() ? EMPTY : null, timeout);
            } catch (UpstreamFailure e) {
                end(span, 0, e.kind().name().toLowerCase(Locale.ROOT));
                LOG.log(Level.FINE, () -> "request " + req.requestId() + " part " + cfg.name() + ": " + e.getMessage());
                if (Thread.currentThread().isInterrupted()) {
                    throw new PartFailure(504, PartOutcome.Cause.TIMEOUT, "cancelled");
                }
                boolean refused = e.kind() == UpstreamFailure.Kind.CIRCUIT_OPEN;
                boolean connect = e.kind() == UpstreamFailure.Kind.CONNECT || e.kind() == UpstreamFailure.Kind.CONNECT_TIMEOUT;
                if (refused || (connect && retries.attemptsLeft() && (idempotent || e.nothingSent()))) {
                    // a part never retries on a target it already tried
                    Target next = refused ? retries.afterRefusal(t) : retries.afterFailure(t, false);
                    if (next != null) {
                        t = next;
                        continue;
                    }
                }
                throw failure(e, timeout);
            }
            int status = res.head().status();
            if ((status == 502 || status == 503) && retries.attemptsLeft() && idempotent) {
                Target next = retries.afterFailure(t, false);
                if (next != null) {
                    res.close();
                    end(span, status, null);
                    t = next;
                    continue;
                }
            }
            try (res) {
                return answer(plan, res, start);
            } finally {
                end(span, status, null);
            }
        }
    }

    /** The part's request head: method, target and the part's headers over the forwarded ones. */
    private static RequestHead head(RequestHead extra, Target target, RequestHead forwarded) {
        RequestHead head = new RequestHead(extra.method(), extra.target());
        head.add("Host", target.hostHeader());
        Set<String> own = new HashSet<>(extra.size() * 2 + 2);
        for (int i = 0; i < extra.size(); i++) {
            own.add(extra.name(i).toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < forwarded.size(); i++) {
            String n = forwarded.name(i).toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(n) && !own.contains(n)) {
                head.add(forwarded.name(i), forwarded.value(i));
            }
        }
        if (!own.contains("accept")) {
            head.add("Accept", "application/json");
        }
        head.add("Accept-Encoding", "identity");
        for (int i = 0; i < extra.size(); i++) {
            if (!extra.name(i).equalsIgnoreCase("accept-encoding")) {
                head.add(extra.name(i), extra.value(i));
            }
        }
        return head;
    }

    private PartOutcome answer(PartPlan plan, UpstreamResponse res, long start) throws PartFailure {
        int status = res.head().status();
        if (status < 200 || status > 299) {
            throw new PartFailure(status, PartOutcome.Cause.STATUS, "upstream answered " + status);
        }
        String encoding = res.head().first("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new PartFailure(502, PartOutcome.Cause.NOT_JSON, "the answer is content-encoded (" + encoding.strip() + ")");
        }
        String type = res.head().first("Content-Type");
        if (type != null && !isJson(type)) {
            throw new PartFailure(502, PartOutcome.Cause.NOT_JSON, "the answer is not JSON (Content-Type "
                    + mediaType(type) + ")");
        }
        byte[] body = read(res.body());
        JsonNode node;
        try {
            node = body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            throw new PartFailure(502, PartOutcome.Cause.NOT_JSON, "the answer is not valid JSON");
        } catch (IOException e) {
            throw new PartFailure(502, PartOutcome.Cause.INVALID_RESPONSE, "invalid response");
        }
        String text = null;
        if (plan.extract() != null) {
            node = node.at(plan.extract());
            if (node.isMissingNode()) {
                throw new PartFailure(502, PartOutcome.Cause.BAD_DATA, "extract " + plan.config().extract().orElse("")
                        + " matches nothing in the answer");
            }
        } else if (body.length > 0) {
            text = new String(body, StandardCharsets.UTF_8);
        }
        return new PartOutcome.Ok(node, text, status, System.nanoTime() - start);
    }

    private byte[] read(InputStream in) throws PartFailure {
        try {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (body.length > maxBody) {
                throw new PartFailure(502, PartOutcome.Cause.TOO_LARGE, "the answer is larger than " + maxBody + " bytes");
            }
            return body;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new PartFailure(504, PartOutcome.Cause.TIMEOUT, "cancelled");
            }
            throw new PartFailure(502, PartOutcome.Cause.INVALID_RESPONSE, "the answer was cut off");
        }
    }

    static boolean isJson(String contentType) {
        String t = mediaType(contentType);
        return t.equals("application/json") || t.endsWith("+json");
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static PartFailure failure(UpstreamFailure e, Duration timeout) {
        return switch (e.kind()) {
            case TIMEOUT, CONNECT_TIMEOUT -> new PartFailure(504, PartOutcome.Cause.TIMEOUT,
                    "no answer within " + timeout.toMillis() + " ms");
            case CONNECT -> new PartFailure(502, PartOutcome.Cause.UNREACHABLE, "upstream unreachable");
            case PROTOCOL -> new PartFailure(502, PartOutcome.Cause.INVALID_RESPONSE, "invalid response");
            case CIRCUIT_OPEN -> new PartFailure(503, PartOutcome.Cause.NO_TARGET, "circuit open");
        };
    }

    private static void end(Span span, int status, String error) {
        if (span != null) {
            Tracing.endClient(span, status, error);
        }
    }
}
