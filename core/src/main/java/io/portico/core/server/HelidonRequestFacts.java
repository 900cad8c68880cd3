package io.portico.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.portico.core.route.RequestFacts;

/** Adapts a Helidon request to what route matching reads. Lives for one request on its thread. */
final class HelidonRequestFacts implements RequestFacts {
    private final ServerRequest req;
    private final String path;

    HelidonRequestFacts(ServerRequest req, String normalizedPath) {
        this.req = req;
        this.path = normalizedPath;
    }

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String host() {
        return req.headers().first(HeaderNames.HOST).orElse(null);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String lowerCaseName) {
        return req.headers().first(HeaderNames.create(lowerCaseName)).orElse(null);
    }

    @Override
    public String rawQuery() {
        return req.query().rawValue();
    }
}
