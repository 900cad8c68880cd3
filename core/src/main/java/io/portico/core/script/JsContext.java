package io.portico.core.script;

import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.core.chain.ExchangeBase;
import io.portico.core.http.HttpSyntax;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * {@code ctx} in {@code onRequest(req, ctx)} / {@code onResponse(res, ctx)}. Create one per call and read
 * {@link #answer()} after it; confined to the request's thread. Members are made on first access and
 * reused.
 *
 * <ul>
 *   <li>{@code respond(status, body?, headers?)}: answer the client instead of proceeding (a
 *       {@code Content-Type} among {@code headers} labels the body instead of the default). {@code body}
 *       null/undefined → no body; a string → {@code text/plain; charset=utf-8}; anything else →
 *       {@code JSON.stringify(body)} as {@code application/json}. {@code headers} is an object of
 *       name → value (a value may be an array for repeated headers). A bad status (outside 200..599),
 *       calling it twice, or calling it from {@code onResponse} throws into JS.</li>
 *   <li>{@code config}: the filter's {@code config:}, read-only ({@link JsConfig}).</li>
 *   <li>{@code route}: {@code { id, params }}, read-only.</li>
 *   <li>{@code upstream}: the upstream's name; assigning re-targets the request
 *       ({@link ExchangeBase#upstream(String)}); an unknown name, or assigning outside {@code onRequest},
 *       throws a JS {@code TypeError}.</li>
 *   <li>{@code consumer}: null, or read-only {@code { id, groups, scopes, claims }}. Assigning
 *       {@code { id, groups?, scopes?, claims? }} in {@code onRequest} sets the exchange's {@link Consumer}
 *       (claims converted like attributes, null-valued top-level claims dropped).</li>
 *   <li>{@code attributes}: {@link JsAttributes}; {@code log}: {@link JsLog}; {@code span}: {@link JsSpan};
 *       {@code requestId}: the request id.</li>
 * </ul>
 * Other writes, and deletes, throw a JS {@code TypeError}.
 */
public final class JsContext extends JsView {
    private static final String[] KEYS = {"respond", "config", "route", "upstream", "consumer", "attributes",
            "log", "span", "requestId"};

    private final ExchangeBase exchange;
    private final JsConfig config;
    private final Logger logger;
    private final String scriptLabel;
    private final boolean mayRespond;
    private Decision.Respond answer;
    private ProxyExecutable respond;
    private JsConfig route;
    private Consumer consumerSeen;
    private JsConfig consumerView;
    private JsAttributes attributes;
    private JsLog log;
    private JsSpan span;

    /**
     * @param exchange    the request's exchange
     * @param config      the shared read-only config view
     * @param logger      where {@code ctx.log} writes
     * @param scriptLabel the script as logs name it, e.g. {@code tenant.js@3f2a9c01b7de}
     * @param mayRespond  true for {@code onRequest}, false for {@code onResponse} (no {@code respond}, no
     *                    consumer change)
     */
    public JsContext(ExchangeBase exchange, JsConfig config, Logger logger, String scriptLabel, boolean mayRespond) {
        super("ctx", KEYS);
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.config = Objects.requireNonNull(config, "config");
        this.logger = Objects.requireNonNull(logger, "logger");
        this.scriptLabel = Objects.requireNonNull(scriptLabel, "scriptLabel");
        this.mayRespond = mayRespond;
    }

    /** What {@code ctx.respond} asked for, or null when the script did not call it (proceed). */
    public Decision.Respond answer() {
        return answer;
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "respond" -> respond != null ? respond : (respond = this::respond);
            case "config" -> config;
            case "route" -> route != null ? route : (route = new JsConfig(
                    ordered("id", exchange.routeId(), "params", exchange.pathParams()), "ctx.route"));
            case "upstream" -> exchange.upstream();
            case "consumer" -> consumer();
            case "attributes" -> attributes != null ? attributes : (attributes = new JsAttributes(exchange));
            case "log" -> log != null ? log : (log = new JsLog(logger, scriptLabel, exchange.requestId()));
            case "span" -> span != null ? span : (span = new JsSpan(exchange.span()));
            case "requestId" -> exchange.requestId();
            default -> null;
        };
    }

    @Override
    public void putMember(String key, Value value) {
        switch (key) {
            case "upstream" -> setUpstream(value);
            case "consumer" -> setConsumer(value);
            default -> super.putMember(key, value);
        }
    }

    private void setUpstream(Value value) {
        if (value == null || !value.isString()) {
            throw JsErrors.typeError("ctx.upstream must be a string");
        }
        try {
            exchange.upstream(value.asString());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw JsErrors.typeError("ctx.upstream: " + e.getMessage());
        }
    }

    private Object consumer() {
        Consumer c = exchange.consumer().orElse(null);
        if (c == null) {
            return null;
        }
        if (c != consumerSeen) {
            Map<String, Object> view = new LinkedHashMap<>(5);
            view.put("id", c.id());
            view.put("groups", List.copyOf(c.groups()));
            view.put("scopes", List.copyOf(c.scopes()));
            view.put("claims", c.claims());
            consumerView = new JsConfig(view, "ctx.consumer");
            consumerSeen = c;
        }
        return consumerView;
    }

    /** A small map that lists its keys in the given order ({@code Object.keys} shows them so). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>(4);
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    @SuppressWarnings("unchecked")
    private void setConsumer(Value value) {
        if (!mayRespond || exchange.stage() != ExchangeBase.Stage.REQUEST) {
            throw JsErrors.typeError("ctx.consumer can be set only in onRequest");
        }
        if (value == null || value.isNull() || !value.hasMembers() || value.hasArrayElements()) {
            throw JsErrors.typeError("ctx.consumer must be an object { id, groups?, scopes?, claims? }");
        }
        Value id = value.getMember("id");
        if (id == null || !id.isString() || id.asString().isEmpty()) {
            throw JsErrors.typeError("ctx.consumer.id must be a non-empty string");
        }
        Set<String> groups = strings(value, "groups");
        Set<String> scopes = strings(value, "scopes");
        Map<String, Object> claims = Map.of();
        Value cl = value.getMember("claims");
        if (cl != null && !cl.isNull()) {
            if (!cl.hasMembers() || cl.hasArrayElements()) {
                throw JsErrors.typeError("ctx.consumer.claims must be an object");
            }
            claims = (Map<String, Object>) JsValues.toJava(cl, "ctx.consumer.claims");
        }
        exchange.consumer(new Consumer(id.asString(), groups, scopes, claims));
    }

    /** The strings of array member {@code name} of {@code value}, in order; empty when absent or null. */
    private static Set<String> strings(Value value, String name) {
        Set<String> out = new LinkedHashSet<>();
        Value g = value.getMember(name);
        if (g != null && !g.isNull()) {
            if (!g.hasArrayElements()) {
                throw JsErrors.typeError("ctx.consumer." + name + " must be an array of strings");
            }
            for (long i = 0; i < g.getArraySize(); i++) {
                Value item = g.getArrayElement(i);
                if (!item.isString()) {
                    throw JsErrors.typeError("ctx.consumer." + name + " must be an array of strings");
                }
                out.add(item.asString());
            }
        }
        return out;
    }

    private Object respond(Value... args) {
        if (!mayRespond) {
            throw JsErrors.typeError("ctx.respond is only available in onRequest");
        }
        if (answer != null) {
            throw JsErrors.typeError("ctx.respond was already called");
        }
        if (args.length == 0 || !args[0].isNumber() || !args[0].fitsInInt()) {
            throw JsErrors.typeError("ctx.respond(status, body?, headers?): status must be an integer");
        }
        int status = args[0].asInt();
        if (status < 200 || status > 599) {
            throw JsErrors.rangeError("ctx.respond: status must be 200..599, got " + status);
        }
        java.util.List<java.util.Map.Entry<String, String>> extra = new java.util.ArrayList<>();
        Value headers = args.length > 2 ? args[2] : null;
        if (headers != null && !headers.isNull()) {
            if (!headers.hasMembers()) {
                throw JsErrors.typeError("ctx.respond: headers must be an object");
            }
            for (String name : headers.getMemberKeys()) {
                Value v = headers.getMember(name);
                if (v.hasArrayElements()) {
                    for (long i = 0; i < v.getArraySize(); i++) {
                        extra.add(java.util.Map.entry(checkName(name), checkValue(JsHeaders.text(v.getArrayElement(i)))));
                    }
                } else {
                    extra.add(java.util.Map.entry(checkName(name), checkValue(JsHeaders.text(v))));
                }
            }
        }
        Decision.Respond r = Decision.respond(status);
        Value body = args.length > 1 ? args[1] : null;
        String contentType = null; // a Content-Type among the headers labels the body (e.g. problem+json)
        if (body != null && !body.isNull()) {
            for (var it = extra.iterator(); it.hasNext(); ) {
                var h = it.next();
                if (h.getKey().equalsIgnoreCase("Content-Type")) {
                    contentType = h.getValue();
                    it.remove();
                }
            }
            if (body.isString()) {
                r = r.body(JsValues.bodyBytes(body.asString(), exchange.bodyLimit(), "ctx.respond"),
                        contentType != null ? contentType : "text/plain; charset=utf-8");
            } else {
                String json = JsValues.stringify(body);
                if (json == null) {
                    throw JsErrors.typeError("ctx.respond: body cannot be serialized as JSON");
                }
                r = r.body(JsValues.bodyBytes(json, exchange.bodyLimit(), "ctx.respond"),
                        contentType != null ? contentType : "application/json");
            }
        }
        for (var h : extra) {
            r = r.header(h.getKey(), h.getValue());
        }
        answer = r;
        return null;
    }

    private static String checkName(String name) {
        boolean ok = !name.isEmpty();
        for (int i = 0; ok && i < name.length(); i++) {
            ok = HttpSyntax.isTokenChar(name.charAt(i));
        }
        if (!ok) {
            throw JsErrors.typeError("ctx.respond: invalid header name");
        }
        return name;
    }

    private static String checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw JsErrors.typeError("ctx.respond: header values must not contain control characters");
            }
        }
        return value;
    }
}
