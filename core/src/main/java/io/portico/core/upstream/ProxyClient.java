package io.portico.core.upstream;

import io.helidon.http.ClientRequestHeaders;
import io.helidon.http.Method;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.spi.WebClientService;
import io.helidon.webclient.http1.Http1ClientResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends one request to one target over the upstream's keep-alive pool and returns the response with its
 * body still unread (streamed by the caller).
 *
 * <p>Blocking: call it from a virtual thread. The request target is sent byte-exact (no re-encoding), the
 * client never follows redirects, and framing is always the client library's own: a fixed
 * {@code Content-Length} when the caller sets one, chunked otherwise. Thread-safe and stateless.
 */
public final class ProxyClient {

    /** Request property set when the client sent no {@code User-Agent}: none is then sent upstream either. */
    static final String NO_USER_AGENT = "portico.no-user-agent";

    /** Removes the User-Agent the HTTP client adds on its own when the client request had none. */
    static final WebClientService NO_DEFAULT_USER_AGENT = (chain, request) -> {
        if (request.properties().containsKey(NO_USER_AGENT)) {
            request.headers().remove(HeaderNames.USER_AGENT);
        }
        return chain.proceed(request);
    };

    /** Writes a request body; a failure reading the client's side must surface as {@link ClientBodyException}. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Sends the request.
     *
     * @param pathAndQuery the request target as it must appear on the wire ({@code /p?q}), already encoded
     * @param headers      fills the upstream request headers (Host included)
     * @param hasUserAgent whether {@code headers} sets a User-Agent (if not, none is sent)
     * @param body         the body, or null for none
     * @param timeout      longest wait for the response head and between body reads
     * @return the response; the caller must close it
     * @throws UpstreamFailure     when the target could not be reached or did not answer in time
     * @throws ClientBodyException when the client's body could not be read
     */
    public Http1ClientResponse send(Upstream upstream, Target target, Method method, String pathAndQuery,
                                   Consumer<ClientRequestHeaders> headers, boolean hasUserAgent, BodyWriter body,
                                   Duration timeout) {
        Http1ClientRequest req = upstream.client()
                .method(method)
                .uri(target.uri(pathAndQuery))
                .readTimeout(timeout)
                .headers(headers);
        if (!hasUserAgent) {
            req.property(NO_USER_AGENT, "true");
        }
        try {
            if (body == null) {
                return req.request();
            }
            return req.outputStream(out -> {
                body.writeTo(out);
                out.close();
            });
        } catch (ClientBodyException e) {
            throw e;
        } catch (RuntimeException e) {
            ClientBodyException clientSide = findClientBodyFailure(e);
            if (clientSide != null) {
                throw clientSide;
            }
            UpstreamFailure.Kind kind = UpstreamFailure.classify(e);
            throw new UpstreamFailure(kind, "upstream " + upstream.name() + " target " + target + ": " + kind
                    + " (" + e + ")", e);
        }
    }

    private static ClientBodyException findClientBodyFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClientBodyException cbe) {
                return cbe;
            }
        }
        return null;
    }
}
