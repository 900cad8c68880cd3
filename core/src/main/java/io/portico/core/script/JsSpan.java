package io.portico.core.script;

import io.portico.api.Span;
import java.util.Objects;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * {@code ctx.span}: {@code setAttribute(key, value)} and {@code addEvent(name)} on the request's tracing
 * {@link Span} (key, value and name as JS {@code String(x)}). Missing arguments throw a JS
 * {@code TypeError}. Confined to the request's thread.
 */
final class JsSpan extends JsView {
    private static final String[] KEYS = {"setAttribute", "addEvent"};

    private final Span span;
    private ProxyExecutable setAttribute;
    private ProxyExecutable addEvent;

    JsSpan(Span span) {
        super("ctx.span", KEYS);
        this.span = Objects.requireNonNull(span, "span");
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "setAttribute" -> setAttribute != null ? setAttribute : (setAttribute = args -> {
                if (args.length < 2) {
                    throw JsErrors.typeError("ctx.span.setAttribute(key, value) needs two arguments");
                }
                span.attribute(JsValues.string(args[0]), JsValues.string(args[1]));
                return null;
            });
            case "addEvent" -> addEvent != null ? addEvent : (addEvent = args -> {
                if (args.length < 1) {
                    throw JsErrors.typeError("ctx.span.addEvent(name) needs a name");
                }
                span.event(JsValues.string(args[0]));
                return null;
            });
            default -> null;
        };
    }
}
