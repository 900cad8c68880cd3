package io.portico.core.chain;

import io.portico.api.Decision;
import io.portico.api.Response;
import io.portico.core.server.Problem;

import java.util.Map;

/**
 * The {@link Response} filters see: a status, a header list and a body, changeable until the exchange
 * completes. Made from the upstream's head (by the server) or from a {@link Decision.Respond} (here). One
 * request's thread; not thread-safe.
 */
public final class MutableResponse implements Response {
    private int status;
    private final MutableHeaders headers;
    private final BufferedBody body;
    private boolean frozen;

    public MutableResponse(int status, MutableHeaders headers, BufferedBody body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * The answer a filter decided on: its headers (framing ones are dropped later by the writer), its body
     * with its media type as {@code Content-Type}, or for a problem the problem+json rendering with
     * {@code requestId} as {@code instance}.
     */
    public static MutableResponse of(Decision.Respond answer, String requestId) {
        MutableHeaders h = new MutableHeaders();
        for (Map.Entry<String, String> e : answer.headers()) {
            h.add(e.getKey(), e.getValue());
        }
        byte[] bytes = answer.body();
        if (answer.problem() != null) {
            Decision.Problem p = answer.problem();
            bytes = new Problem(answer.status(), p.slug(), p.title(), p.detail(), requestId).toJson()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            h.set("Content-Type", Problem.CONTENT_TYPE);
        } else if (bytes != null && answer.contentType() != null) {
            h.set("Content-Type", answer.contentType());
        }
        return new MutableResponse(answer.status(), h, BufferedBody.of(bytes));
    }

    /** A gateway problem answer, rendered with {@code requestId} as {@code instance}. */
    public static MutableResponse of(Problem problem, String requestId) {
        return of(Decision.problem(problem.status(), problem.slug(), problem.title(), problem.detail()), requestId);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void status(int status) {
        if (frozen) {
            throw new IllegalStateException("the response was sent; it can no longer change");
        }
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599, got " + status);
        }
        this.status = status;
    }

    /** Records the status the client actually got (the gateway's, after the fact). */
    void sentStatus(int status) {
        this.status = status;
    }

    @Override
    public MutableHeaders headers() {
        return headers;
    }

    @Override
    public BufferedBody body() {
        return body;
    }

    void freeze() {
        frozen = true;
    }

    @Override
    public String toString() {
        return "Response[" + status + " " + headers + "]";
    }
}
