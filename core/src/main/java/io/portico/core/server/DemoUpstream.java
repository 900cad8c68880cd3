package io.portico.core.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.core.config.DemoConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The embedded demo upstream ({@code demo:}): answers every request with a JSON echo of its method,
 * path, query, headers and body, so a first {@code curl} through the gateway shows what the upstream
 * received. Bodies up to 64 KiB are echoed (as text when UTF-8 printable, else base64); longer ones are
 * counted only. Not for production traffic.
 */
public final class DemoUpstream {
    private static final int ECHO_LIMIT = 64 * 1024;

    private final DemoConfig config;
    private WebServer server;

    public DemoUpstream(DemoConfig config) {
        this.config = config;
    }

    /** Starts it. @throws IllegalStateException when the port cannot be bound */
    public DemoUpstream start() {
        server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .contentEncoding(ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false)
                        .addContentEncoding(new PassThroughEncoding())   // echo encoded bodies as bytes
                        .build())
                .routing(r -> r.any(DemoUpstream::echo))
                .build()
                .start();
        if (!server.isRunning() || server.port() < 0) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
                    + " (demo.port): the address is in use or not available");
        }
        return this;
    }

    public int port() {
        return server.port();
    }

    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static void echo(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"method\":");
        Json.quote(sb, req.prologue().method().text());
        sb.append(",\"path\":");
        Json.quote(sb, req.prologue().uriPath().rawPath());
        sb.append(",\"query\":");
        Json.quote(sb, req.query().rawValue());
        sb.append(",\"headers\":{");
        boolean first = true;
        for (Header h : req.headers()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.quote(sb, h.name());
            sb.append(':');
            Json.quote(sb, String.join(", ", h.allValues()));
        }
        sb.append('}');
        if (req.content().hasEntity()) {
            byte[] head = new byte[ECHO_LIMIT];
            long total = 0;
            int kept = 0;
            try (InputStream in = req.content().inputStream()) {
                int r;
                while (kept < head.length && (r = in.read(head, kept, head.length - kept)) > 0) {
                    kept += r;
                }
                total = kept;
                byte[] skip = new byte[8192];
                while ((r = in.read(skip)) > 0) {
                    total += r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String text = new String(head, 0, kept, StandardCharsets.UTF_8);
            boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\r' || c == '\t');
            sb.append(",\"bodyBytes\":").append(total);
            sb.append(printable ? ",\"body\":" : ",\"bodyBase64\":");
            Json.quote(sb, printable ? text : Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(head, kept)));
            if (total > kept) {
                sb.append(",\"bodyTruncated\":true");
            }
        }
        sb.append('}');
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
