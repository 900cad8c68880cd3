package io.portico.core.upstream.balance;

import java.util.HashMap;
import java.util.Map;

/** A {@link PickContext} for tests, built fluently; counts how often it was asked anything. */
final class Ctx implements PickContext {
    private final String ip;
    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> cookies = new HashMap<>();
    private final Map<String, String> params = new HashMap<>();
    int asked;

    private Ctx(String ip) {
        this.ip = ip;
    }

    static Ctx ip(String ip) {
        return new Ctx(ip);
    }

    Ctx header(String lowerName, String value) {
        headers.put(lowerName, value);
        return this;
    }

    Ctx cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    Ctx param(String name, String value) {
        params.put(name, value);
        return this;
    }

    @Override
    public String clientIp() {
        asked++;
        return ip;
    }

    @Override
    public String header(String lowerName) {
        asked++;
        return headers.get(lowerName);
    }

    @Override
    public String cookie(String name) {
        asked++;
        return cookies.get(name);
    }

    @Override
    public String queryParam(String name) {
        asked++;
        return params.get(name);
    }
}
