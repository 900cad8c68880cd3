package io.portico.core.server;

import io.portico.core.http.HttpSyntax;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * Writes the gateway's own answers.
 *
 * <p>Connection safety: Helidon 4.5 keeps a connection open even after a {@code Connection: close}
 * response and would then parse an unread request body as the next request (request smuggling). So when
 * the request body was not fully consumed, or the caller asks for it, the response carries
 * {@code Connection: close} and the connection is really closed after it is written.
 */
final class Responses {
    private Responses() {
    }

    /**
     * Sends {@code problem} as problem+json.
     *
     * @param close close the connection after the response even if the body was consumed
     * @throws CloseConnectionException when the connection must be closed (Helidon closes it after sending)
     */
    static void problem(ServerRequest req, ServerResponse res, Problem problem, boolean close) {
        boolean mustClose = close || !bodyConsumed(req) || clientAskedToClose(req);
        res.status(Status.create(problem.status()));
        res.header(HeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE);
        if (mustClose) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        res.send(problem.toJson().getBytes(StandardCharsets.UTF_8));
        if (mustClose) {
            throw new CloseConnectionException("closing after a rejected request");
        }
    }

    /** Whether the request carries {@code Connection: close} (the response must then close the connection). */
    static boolean clientAskedToClose(ServerRequest req) {
        var headers = req.headers();
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        for (String value : headers.get(HeaderNames.CONNECTION).allValues()) {
            if (HttpSyntax.hasToken(value, "close")) {
                return true;
            }
        }
        return false;
    }

    private static boolean bodyConsumed(ServerRequest req) {
        return !req.content().hasEntity() || req.content().consumed();
    }
}
