package io.portico.core.server;

import io.portico.core.http.HttpSyntax;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.portico.core.chain.MutableResponse;
import io.portico.core.chain.MutableHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

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

    /**
     * Sends an answer made by a filter (or the chain): its status, its end-to-end headers (hop-by-hop ones,
     * {@code Content-Length}, {@code Server} and {@code X-Request-Id} are the gateway's) and its body with a
     * fresh {@code Content-Length}. Closes the connection under the same rules as {@link #problem}.
     *
     * @throws CloseConnectionException when the connection must be closed
     */
    static void answer(ServerRequest req, ServerResponse res, MutableResponse answer) {
        boolean mustClose = !bodyConsumed(req) || clientAskedToClose(req);
        res.status(Status.create(answer.status()));
        copyHeaders(answer.headers(), res);
        if (mustClose) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        int status = answer.status();
        if (req.prologue().method() == Method.HEAD || status == 204 || status == 304) {
            res.send();
        } else {
            byte[] body = answer.body().inMemory() ? answer.body().content() : answer.body().bytes();
            res.send(body);
        }
        if (mustClose) {
            throw new CloseConnectionException("closing after an answer with the request body unread");
        }
    }

    /** Copies a filter-visible header list onto the response, minus what the gateway sets itself. */
    static void copyHeaders(MutableHeaders headers, ServerResponse res) {
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            String n = name.toLowerCase(Locale.ROOT);
            if (Forwarder.HOP_BY_HOP.contains(n) || n.equals("server") || n.equals("x-request-id")) {
                continue;
            }
            String value = headers.value(i);
            HeaderName headerName = HeaderNames.create(name);
            if (Latin1Header.needed(value)) {
                res.headers().add(new Latin1Header(headerName, value));
            } else {
                res.headers().add(headerName, value);
            }
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
