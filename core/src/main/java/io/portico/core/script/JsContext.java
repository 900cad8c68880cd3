package io.portico.core.script;

import io.portico.api.Decision;
import io.portico.core.http.HttpSyntax;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * {@code ctx} in {@code onRequest(req, ctx)} / {@code onResponse(res, ctx)}: {@code ctx.config} and
 * {@code ctx.respond(status, body, headers)}. Create one per call and read {@link #answer()} after it;
 * confined to the calling thread.
 *
 * <p>{@code respond}: {@code body} null/undefined → no body; a string → {@code text/plain; charset=utf-8};
 * anything else → {@code JSON.stringify(body)} as {@code application/json}. {@code headers} is an object of
 * name → value (a value may be an array for repeated headers). A bad status (outside 200..599), calling it
 * twice, or calling it from {@code onResponse} throws into JS, which fails the invocation.
 */
public final class JsContext {
    /** The filter's {@code config:} as a read-only view. */
    @HostAccess.Export
    public final Object config;
    private final boolean mayRespond;
    private Decision.Respond answer;

    /**
     * @param config     the shared read-only config view
     * @param mayRespond true for {@code onRequest}, false for {@code onResponse}
     */
    public JsContext(io.portico.core.chain.ExchangeBase ex, JsConfig config, java.util.logging.Logger log,
                     String scriptLabel, boolean mayRespond) {
        this(config, mayRespond);
    }

    public JsContext(JsConfig config, boolean mayRespond) {
        this.config = Objects.requireNonNull(config, "config");
        this.mayRespond = mayRespond;
    }

    /** What {@code ctx.respond} asked for, or null when the script did not call it (proceed). */
    public Decision.Respond answer() {
        return answer;
    }

    @HostAccess.Export
    public void respond(int status) {
        respond(status, null, null);
    }

    @HostAccess.Export
    public void respond(int status, Value body) {
        respond(status, body, null);
    }

    @HostAccess.Export
    public void respond(int status, Value body, Value headers) {
        if (!mayRespond) {
            throw new IllegalStateException("ctx.respond is only available in onRequest");
        }
        if (answer != null) {
            throw new IllegalStateException("ctx.respond was already called");
        }
        Decision.Respond r = Decision.respond(status);
        if (body != null && !body.isNull()) {
            if (body.isString()) {
                r = r.body(body.asString(), "text/plain; charset=utf-8");
            } else {
                Value json = body.getContext().getBindings("js").getMember("JSON").invokeMember("stringify", body);
                if (json == null || !json.isString()) {
                    throw new IllegalArgumentException("ctx.respond: body cannot be serialized as JSON");
                }
                r = r.body(json.asString().getBytes(StandardCharsets.UTF_8), "application/json");
            }
        }
        if (headers != null && !headers.isNull()) {
            if (!headers.hasMembers()) {
                throw new IllegalArgumentException("ctx.respond: headers must be an object");
            }
            for (String name : headers.getMemberKeys()) {
                Value v = headers.getMember(name);
                if (v.hasArrayElements()) {
                    for (long i = 0; i < v.getArraySize(); i++) {
                        r = r.header(checkName(name), checkValue(JsHeaders.text(v.getArrayElement(i))));
                    }
                } else {
                    r = r.header(checkName(name), checkValue(JsHeaders.text(v)));
                }
            }
        }
        answer = r;
    }

    private static String checkName(String name) {
        boolean ok = !name.isEmpty();
        for (int i = 0; ok && i < name.length(); i++) {
            ok = HttpSyntax.isTokenChar(name.charAt(i));
        }
        if (!ok) {
            throw new IllegalArgumentException("ctx.respond: invalid header name");
        }
        return name;
    }

    private static String checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("ctx.respond: header values must not contain control characters");
            }
        }
        return value;
    }
}
