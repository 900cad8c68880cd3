package io.portico.core.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link RequestFacts} for tests, built fluently; counts rawQuery() calls. */
final class Facts implements RequestFacts {

    private final String path;
    private String method = "GET";
    private String host;
    private final Map<String, String> headers = new HashMap<>();
    private String query = "";
    int rawQueryCalls;

    private Facts(String path) {
        this.path = path;
    }

    static Facts get(String path) {
        return new Facts(path);
    }

    static Facts request(String method, String path) {
        return new Facts(path).method(method);
    }

    Facts method(String m) {
        this.method = m;
        return this;
    }

    Facts host(String h) {
        this.host = h;
        return this;
    }

    Facts header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    Facts query(String q) {
        this.query = q;
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    @Override
    public String rawQuery() {
        rawQueryCalls++;
        return query;
    }
}
