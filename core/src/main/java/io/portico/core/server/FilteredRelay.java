package io.portico.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.api.BodyTooLargeException;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.ChainExecutor;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableResponse;
import io.portico.core.upstream.ResponseHead;
import io.portico.core.upstream.UpstreamResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;

/**
 * Relays an upstream response through the chain's {@code onResponse}: the head becomes a
 * {@link MutableResponse} (end-to-end headers only), the filters run in reverse order, then the result is
 * sent: a body a filter read or replaced goes out in one write with a fresh {@code Content-Length}, an
 * untouched one is streamed exactly as without filters. If a filter failed closed, its problem is sent
 * instead and the upstream response is closed unread (its connection is then not reused); so is a body
 * that could not be buffered (too large, or cut off) even when the filter caught that: the answer is then
 * 502. Blocking, on the
 * request's thread; stateless.
 */
final class FilteredRelay {
    private FilteredRelay() {
    }

    static void relay(ServerRequest req, ServerResponse res, UpstreamResponse up, FilterChain chain,
                      HelidonExchange ex, long maxBodySize) {
        ResponseHead head = up.head();
        String connection = head.first("Connection");
        Set<String> named = connection == null ? null : Forwarder.tokens(connection);
        MutableHeaders headers = new MutableHeaders();
        for (int i = 0; i < head.size(); i++) {
            String name = head.name(i);
            String n = name.toLowerCase(Locale.ROOT);
            if (Forwarder.HOP_BY_HOP.contains(n) || n.equals("server") || n.equals("x-request-id")
                    || (named != null && named.contains(n))) {
                continue;
            }
            headers.addTrusted(name, head.value(i));
        }
        int status = head.status();
        boolean isHead = req.prologue().method() == Method.HEAD;
        boolean noBody = isHead || status == 204 || status == 304;
        long length = head.contentLength();
        boolean present = !noBody && length != 0;
        BufferedBody body = new BufferedBody(present, present ? length : -1, maxBodySize,
                limit -> readAll(up.body(), length, limit));
        MutableResponse view = new MutableResponse(status, headers, body);
        ex.responseView(view);
        ChainExecutor.onResponse(chain, ex);
        if (ex.responseView() != view) {
            Responses.answer(req, res, ex.responseView());
            return;
        }
        if (body.failed()) {
            // a filter caught the failure and went on, but the upstream body is partly consumed: never relay it
            Problem p = body.failure() instanceof BodyTooLargeException e ? ChainExecutor.responseTooLarge(e.limit())
                    : Problem.badGateway();
            Responses.answer(req, res, MutableResponse.of(p, ex.requestId()));
            return;
        }
        res.status(view.status() == status ? Status.create(status, head.reason()) : Status.create(view.status()));
        Responses.copyHeaders(view.headers(), res);
        if (noBody) {
            String declared = head.first("Content-Length");
            if (declared != null && isHead && !body.replaced()) {
                res.header(HeaderNames.CONTENT_LENGTH, declared);
            }
            res.send();
        } else if (body.inMemory()) {
            res.send(body.content());
        } else if (length == 0) {
            res.send();
        } else {
            Forwarder.sendBody(res, up, length);
        }
    }

    /** Reads a whole upstream body, at most {@code limit} bytes. */
    static byte[] readAll(InputStream in, long declared, long limit) {
        if (declared > limit) {
            throw new BodyTooLargeException(limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] buf = new byte[Forwarder.SMALL_BODY];
        long total = 0;
        try {
            int r;
            while ((r = in.read(buf)) >= 0) {
                total += r;
                if (total > limit) {
                    throw new BodyTooLargeException(limit);
                }
                out.write(buf, 0, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the upstream response body could not be read", e);
        }
        return out.toByteArray();
    }
}
