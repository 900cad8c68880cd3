package io.portico.core.upstream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Sends one request to one target over the upstream's keep-alive pool and returns the response with its
 * body still unread (the caller streams it).
 *
 * <p>Blocking: call it from a virtual thread. The head is written exactly as built ({@link RequestHead});
 * the body is framed by this client: fixed length when {@code contentLength >= 0}, chunked otherwise.
 * Redirects are never followed. A pooled connection that turns out to be closed by the target before any
 * response byte (the usual keep-alive race) is replaced by a fresh connection once, when repeating the
 * request is safe: an idempotent method or no body, and the body (if any) still replayable.
 * Each outcome is reported to the target's {@link TargetHealth} (passive health) and its
 * {@link CircuitBreaker}, if any: an {@link UpstreamFailure} or a 502/503/504 head is a failure, any other
 * head a success. A target whose circuit refuses the request gets nothing: {@code send} throws
 * {@link UpstreamFailure.Kind#CIRCUIT_OPEN} at once. A caller may cancel a request by interrupting its (virtual)
 * thread: the JDK closes the socket, {@code send} throws, and the target gets no verdict.
 * Thread-safe and stateless apart from the target's in-flight count ({@link Target#inFlight()}), which
 * {@code send} raises and which falls again when the returned response is closed or when {@code send}
 * throws, whatever it throws.
 */
public final class ProxyClient {

    /** Writes a request body; a failure reading the client's side must surface as {@link ClientBodyException}. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A request body: its writer, declared length (-1 for chunked) and whether it can be written twice. */
    public record Body(BodyWriter writer, long contentLength, boolean replayable) {
    }

    /**
     * Sends the request.
     *
     * @param body    the body, or null for none
     * @param timeout longest wait for the response head and between body reads
     * @return the response; the caller must close it
     * @throws UpstreamFailure     when the target could not be reached, failed, or did not answer in time
     * @throws ClientBodyException when the client's body could not be read
     */
    public UpstreamResponse send(Upstream upstream, Target target, RequestHead head, Body body, Duration timeout) {
        CircuitBreaker breaker = target.breaker();
        int admission = breaker == null ? CircuitBreaker.ADMITTED : breaker.acquire();
        if (admission == CircuitBreaker.REFUSED) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CIRCUIT_OPEN,
                    "upstream " + upstream.name() + " target " + target + ": circuit open", null);
        }
        target.requestStarted();
        boolean handedOver = false;
        boolean reported = false;
        try {
            UpstreamResponse response = sendCounted(upstream, target, head, body, timeout);
            handedOver = true; // the response ends the request when it is closed
            int status = response.head().status();
            boolean failed = status >= 502 && status <= 504;
            if (failed) {
                target.health().requestFailed("status " + status);
            } else {
                target.health().requestSucceeded();
            }
            reported = true;
            if (breaker != null) {
                if (failed) {
                    breaker.failed(admission);
                } else {
                    breaker.succeeded(admission);
                }
            }
            return response;
        } catch (UpstreamFailure e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e; // the caller cancelled the request (interrupt closed the socket): no verdict on the target
            }
            target.health().requestFailed(reason(e));
            reported = true;
            if (breaker != null) {
                breaker.failed(admission);
            }
            throw e;
        } finally {
            if (!handedOver) {
                target.requestEnded();
            }
            if (!reported && breaker != null) {
                breaker.release(admission); // the client's body failed: no verdict on the target
            }
        }
    }

    private UpstreamResponse sendCounted(Upstream upstream, Target target, RequestHead head, Body body,
                                         Duration timeout) {
        ConnectionPool pool = upstream.pool(target);
        byte[] headBytes = head.encode(target.basePath(), body == null ? -2 : body.contentLength());
        UpstreamConnection pooled = pool.takeIdle();
        if (pooled != null) {
            try {
                return exchange(target, pool, pooled, head, headBytes, body, timeout);
            } catch (StaleConnection stale) {
                boolean safe = (head.idempotent() || body == null) && (body == null || body.replayable());
                if (!safe) {
                    throw failure(upstream, target, UpstreamFailure.Kind.CONNECT, stale.getCause());
                }
                // fall through to a fresh connection
            }
        }
        UpstreamConnection fresh;
        try {
            fresh = pool.open(upstream.connectTimeout());
        } catch (SocketTimeoutException e) {
            throw failure(upstream, target, UpstreamFailure.Kind.CONNECT_TIMEOUT, e);
        } catch (IOException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "upstream " + upstream.name() + " target " + target
                    + ": cannot connect (" + e + ")", e, true);
        }
        try {
            return exchange(target, pool, fresh, head, headBytes, body, timeout);
        } catch (StaleConnection e) {
            throw failure(upstream, target, UpstreamFailure.Kind.CONNECT, e.getCause());
        }
    }

    private UpstreamResponse exchange(Target target, ConnectionPool pool, UpstreamConnection c, RequestHead head,
                                      byte[] headBytes, Body body, Duration timeout) {
        boolean reused = c.previousUses() > 0;
        c.markUsed();
        boolean received = false;
        try {
            c.readTimeout(timeout);
            OutputStream out = c.out();
            out.write(headBytes);
            if (body != null) {
                writeBody(out, body);
            }
            out.flush();
            ResponseHead response = ResponseHead.read(c, head.method().equals("HEAD"));
            if (response == null) {
                throw new java.io.EOFException("closed before the response");
            }
            received = true;
            return new UpstreamResponse(response, c, pool, target);
        } catch (ClientBodyException e) {
            c.close();
            throw e;
        } catch (UpstreamProtocolException e) {
            c.close();
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "invalid response from " + c + ": " + e.getMessage(), e);
        } catch (IOException e) {
            c.close();
            if (c.timedOut()) {
                throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "no response from " + c + " within " + timeout, e);
            }
            if (reused && !received) {
                throw new StaleConnection(e);
            }
            throw new UpstreamFailure(UpstreamFailure.Kind.CONNECT, c + " failed: " + e, e);
        }
    }

    private static void writeBody(OutputStream out, Body body) throws IOException {
        if (body.contentLength() >= 0) {
            FixedLengthOutputStream fixed = new FixedLengthOutputStream(out, body.contentLength());
            body.writer().writeTo(fixed);
            fixed.finish();
        } else {
            ChunkedOutputStream chunked = new ChunkedOutputStream(out);
            body.writer().writeTo(chunked);
            chunked.finish();
        }
    }

    /** A short reason for logs: the failure kind and the underlying error's message. */
    static String reason(UpstreamFailure e) {
        Throwable c = e.getCause();
        String detail = c == null ? null : c.getMessage();
        String kind = e.kind().name().toLowerCase(java.util.Locale.ROOT);
        return detail == null || detail.isBlank() ? kind : kind + ": " + detail.toLowerCase(java.util.Locale.ROOT);
    }

    private static UpstreamFailure failure(Upstream upstream, Target target, UpstreamFailure.Kind kind, Throwable cause) {
        return new UpstreamFailure(kind, "upstream " + upstream.name() + " target " + target + ": " + kind + " (" + cause + ")", cause);
    }

    /** A reused connection failed before any response byte: the target most likely closed it while idle. */
    private static final class StaleConnection extends RuntimeException {
        StaleConnection(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
