package io.portico.core.server;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.portico.api.Request;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableQuery;

/**
 * The {@link Request} view of a Helidon request. Everything is made on first use: the header copy, the
 * parsed query, the buffered body; what no filter touched is forwarded straight from the Helidon request,
 * exactly as without filters. One request's thread; not thread-safe.
 */
final class ExchangeRequest implements Request {
    private final ServerRequest req;
    private final String path;
    private final long maxBodySize;
    private String upstreamPath;
    private MutableHeaders headers;
    private MutableQuery query;
    private BufferedBody body;
    private BodySource source;

    ExchangeRequest(ServerRequest req, String path, String upstreamPath, long maxBodySize) {
        this.req = req;
        this.path = path;
        this.upstreamPath = upstreamPath;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public String method() {
        return req.prologue().method().text();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String upstreamPath() {
        return upstreamPath;
    }

    @Override
    public void upstreamPath(String path) {
        checkPath(path);
        this.upstreamPath = path;
    }

    @Override
    public MutableQuery query() {
        if (query == null) {
            query = new MutableQuery(req.prologue().hasQuery() ? req.query().rawValue() : null);
        }
        return query;
    }

    @Override
    public MutableHeaders headers() {
        if (headers == null) {
            MutableHeaders copy = new MutableHeaders();
            for (Header h : req.headers()) {
                String name = h.name();
                for (String v : h.allValues()) {
                    copy.addTrusted(name, v);
                }
            }
            headers = copy;
        }
        return headers;
    }

    @Override
    public BufferedBody body() {
        if (body == null) {
            boolean present = req.content().hasEntity();
            long declared = present ? req.headers().contentLength().orElse(-1L) : -1;
            body = new BufferedBody(present, declared, maxBodySize, limit -> {
                source = BodySource.prefetch(req);
                return source == null ? new byte[0] : source.readAll(limit);
            });
        }
        return body;
    }

    /** The body a filter read or replaced, or null when the client's body is to be streamed as usual. */
    BufferedBody bodyInMemoryOrFailed() {
        return body != null && (body.inMemory() || body.failed()) ? body : null;
    }

    /** The path and query to send upstream. */
    String pathAndQuery() {
        String q = query != null ? query.encoded() : req.prologue().hasQuery() ? req.query().rawValue() : null;
        return q == null ? upstreamPath : upstreamPath + "?" + q;
    }

    /** The header list filters touched (then forwarded instead of the client's), or null. */
    MutableHeaders touchedHeaders() {
        return headers;
    }

    /** Only characters allowed in a request target's path (RFC 3986 pchar and '/'); escapes well-formed. */
    static void checkPath(String p) {
        if (p == null || p.isEmpty() || p.charAt(0) != '/') {
            throw new IllegalArgumentException("the upstream path must start with '/', got '" + p + "'");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
            if (c == '%') {
                ok = i + 2 < p.length() && Character.digit(p.charAt(i + 1), 16) >= 0
                        && Character.digit(p.charAt(i + 2), 16) >= 0;
            }
            if (!ok) {
                throw new IllegalArgumentException("the upstream path may hold only characters allowed in a path"
                        + " (percent-encode the others); found '" + (c < 0x20 || c > 0x7E ? "U+"
                        + String.format("%04X", (int) c) : String.valueOf(c)) + "' at " + i);
            }
        }
    }
}
