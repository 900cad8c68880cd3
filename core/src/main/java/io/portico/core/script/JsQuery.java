package io.portico.core.script;

import io.portico.api.Query;
import java.util.ArrayList;
import java.util.Objects;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * {@code req.query}: a live view of the request's decoded query parameters ({@link Query}); changes are
 * what the upstream receives (re-encoded). Only the exported methods are visible to JS. Names are
 * case-sensitive. Values set from JS must be strings, numbers or booleans (else a JS {@code TypeError}).
 * Arrays returned are snapshots. Confined to the request's thread.
 */
public final class JsQuery {
    private final Query query;

    public JsQuery(Query query) {
        this.query = Objects.requireNonNull(query, "query");
    }

    /** The first value of {@code name}, or null. */
    @HostAccess.Export
    public String get(String name) {
        return query.first(name).orElse(null);
    }

    /** Every value of {@code name}, as a JS array (empty when absent). */
    @HostAccess.Export
    public Object getAll(String name) {
        return ProxyArray.fromList(new ArrayList<Object>(query.all(name)));
    }

    /** Whether {@code name} is present (possibly with an empty value). */
    @HostAccess.Export
    public boolean has(String name) {
        return query.first(name).isPresent();
    }

    /** Replaces every value of {@code name}. */
    @HostAccess.Export
    public void set(String name, Value value) {
        query.set(name, JsValues.text(value, "query value"));
    }

    /** Adds a value, keeping the existing ones. */
    @HostAccess.Export
    public void add(String name, Value value) {
        query.add(name, JsValues.text(value, "query value"));
    }

    /** Removes every value of {@code name}. */
    @HostAccess.Export
    public void delete(String name) {
        query.remove(name);
    }

    /** The parameter names, in order of first appearance, as a JS array. */
    @HostAccess.Export
    public Object names() {
        return ProxyArray.fromList(new ArrayList<Object>(query.names()));
    }
}
