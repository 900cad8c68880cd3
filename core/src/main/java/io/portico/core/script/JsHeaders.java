package io.portico.core.script;

import io.portico.api.Headers;
import java.util.ArrayList;
import java.util.Objects;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * {@code req.headers} / {@code res.headers}: a live, case-insensitive view of plugin-api {@link Headers}.
 * Only the exported methods are visible to JS. Same threading as the exchange (the calling thread only).
 * Values set from JS must be strings, numbers or booleans (else a JS {@code TypeError}); CR, LF and NUL are
 * refused by the underlying {@link Headers} (the call throws into JS). Arrays returned are snapshots.
 */
public final class JsHeaders {
    private final Headers headers;

    public JsHeaders(Headers headers) {
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** The first value of {@code name}, or null. */
    @HostAccess.Export
    public String get(String name) {
        return headers.first(name).orElse(null);
    }

    /** Every value of {@code name}, as a JS array (empty when absent). */
    @HostAccess.Export
    public Object getAll(String name) {
        return ProxyArray.fromList(new ArrayList<Object>(headers.all(name)));
    }

    /** Whether {@code name} is present. */
    @HostAccess.Export
    public boolean has(String name) {
        return headers.contains(name);
    }

    /** Replaces every value of {@code name}. */
    @HostAccess.Export
    public void set(String name, Value value) {
        headers.set(name, text(value));
    }

    /** Adds a value, keeping the existing ones. */
    @HostAccess.Export
    public void add(String name, Value value) {
        headers.add(name, text(value));
    }

    /** Removes every value of {@code name}. */
    @HostAccess.Export
    public void delete(String name) {
        headers.remove(name);
    }

    /** The header names present, in their first-seen spelling, as a JS array (a snapshot). */
    @HostAccess.Export
    public Object names() {
        return ProxyArray.fromList(new ArrayList<Object>(headers.names()));
    }

    static String text(Value value) {
        return JsValues.text(value, "header value");
    }
}
