package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What the gateway adds, removes and rewrites in headers, both ways. */
class ProxyHeadersTest {
    private RawUpstream upstream;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        upstream = new RawUpstream();
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        upstream.close();
    }

    private void gateway(String serverExtra, String routeExtra) {
        gw = GatewayFixture.start("""
                server: { port: 0 %s }
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - id: all
                    match: { path: /** }
                    upstream: up
                    %s
                """.formatted(serverExtra, upstream.url(), routeExtra));
    }

    @Test
    void hopByHopRequestHeadersAreRemovedIncludingThoseNamedInConnection() throws Exception {
        gateway("", "");
        var r = RawClient.exchange(gw.port(), """
                GET /x HTTP/1.1\r
                Host: client.example\r
                Connection: keep-alive, X-Hop-Secret\r
                X-Hop-Secret: s3cret\r
                Keep-Alive: timeout=5\r
                TE: trailers\r
                Trailer: X-T\r
                Proxy-Authorization: Basic Zm9vOmJhcg==\r
                Proxy-Connection: keep-alive\r
                X-End-To-End: kept\r
                \r
                """, 1500);
        assertThat(r.status()).isEqualTo(200);
        RawUpstream.Received got = upstream.take();
        assertThat(got.header("X-End-To-End")).isEqualTo("kept");
        for (String h : new String[] {"X-Hop-Secret", "Keep-Alive", "TE", "Trailer", "Proxy-Authorization",
                "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Expect"}) {
            assertThat(got.header(h)).as(h).isNull();
        }
        assertThat(got.headerValues("Connection")).allSatisfy(v -> assertThat(v).doesNotContain("X-Hop-Secret"));
    }

    @Test
    void hopByHopResponseHeadersAreRemovedAndServerIsReplaced() throws Exception {
        upstream.responder((req, out, s) -> {
            out.write(("HTTP/1.1 200 OK\r\nConnection: X-Up-Secret\r\nX-Up-Secret: no\r\nKeep-Alive: timeout=9\r\n"
                    + "Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nServer: nginx/1.22.1 (internal)\r\n"
                    + "X-Kept: yes\r\nContent-Length: 2\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1500);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.header("X-Kept")).isEqualTo("yes");
        assertThat(r.header("X-Up-Secret")).isNull();
        assertThat(r.header("Keep-Alive")).isNull();
        assertThat(r.header("Proxy-Authenticate")).isNull();
        assertThat(r.header("Upgrade")).isNull();
        assertThat(r.header("Server")).isEqualTo("portico");
    }

    @Test
    void untrustedClientCannotForgeForwardingHeaders() throws Exception {
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Host: evil\r\nX-Forwarded-Proto: https\r\nForwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n"
                + "Connection: close\r\n\r\n", 1500);
        assertThat(r.status()).isEqualTo(200);
        RawUpstream.Received got = upstream.take();
        assertThat(got.headerValues("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(got.header("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(got.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(got.headerValues("Forwarded")).containsExactly("for=127.0.0.1;host=shop.example;proto=http");
        assertThat(got.header("X-Real-IP")).isNull();
    }

    @Test
    void trustedProxyChainIsKeptAndAppended() throws Exception {
        gateway(", trusted-proxies: [ 127.0.0.0/8 ]", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: for=203.0.113.7;proto=https\r\nConnection: close\r\n\r\n", 1500);
        assertThat(r.status()).isEqualTo(200);
        RawUpstream.Received got = upstream.take();
        assertThat(got.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(got.header("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(got.header("Forwarded")).isEqualTo("for=203.0.113.7;proto=https, for=127.0.0.1;host=shop.example;proto=http");
    }

    @Test
    void hostIsRewrittenToTheTargetUnlessPreserved() throws Exception {
        gateway("", "");
        RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n", 1500);
        assertThat(upstream.take().header("Host")).isEqualTo("127.0.0.1:" + upstream.port());
        gw.close();
        gateway("", "preserve-host: true");
        RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n", 1500);
        assertThat(upstream.take().header("Host")).isEqualTo("shop.example");
    }

    @Test
    void requestIdIsGeneratedWhenAbsentAndSentBothWays() throws Exception {
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1500);
        String id = r.header("X-Request-Id");
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(upstream.take().header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void wellFormedClientRequestIdIsKeptAndMalformedOneReplaced() throws Exception {
        gateway("", "");
        var kept = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: abc-123.X:y_z\r\nConnection: close\r\n\r\n", 1500);
        assertThat(kept.header("X-Request-Id")).isEqualTo("abc-123.X:y_z");
        assertThat(upstream.take().header("X-Request-Id")).isEqualTo("abc-123.X:y_z");

        var replaced = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: <script>\r\nConnection: close\r\n\r\n", 1500);
        assertThat(replaced.header("X-Request-Id")).matches("[0-9a-f]{32}");
        assertThat(upstream.take().headerValues("X-Request-Id")).containsExactly(replaced.header("X-Request-Id"));
    }

    @Test
    void upstreamRequestIdAndSetCookieLines() throws Exception {
        upstream.responder((req, out, s) -> {
            out.write(("HTTP/1.1 200 OK\r\nX-Request-Id: from-upstream\r\nSet-Cookie: a=1; Path=/\r\n"
                    + "Set-Cookie: b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: mine-1\r\nConnection: close\r\n\r\n", 1500);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text().split("\r\n")).filteredOn(l -> l.regionMatches(true, 0, "X-Request-Id:", 0, 13))
                .containsExactly("X-Request-Id: mine-1");
        assertThat(r.text().split("\r\n")).filteredOn(l -> l.startsWith("Set-Cookie:"))
                .containsExactly("Set-Cookie: a=1; Path=/", "Set-Cookie: b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
    }

    @Test
    void responseHeaderBytesAbove0x7FAreRelayedUnchanged() throws Exception {
        upstream.responder((req, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"".getBytes(StandardCharsets.US_ASCII));
            out.write("café.txt".getBytes(StandardCharsets.UTF_8));
            out.write("\"\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1500);
        assertThat(r.status()).isEqualTo(200);
        // RawClient decodes ISO-8859-1: the two UTF-8 bytes of 'é' arrive as two characters, unchanged
        String utf8AsLatin1 = new String("café.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"" + utf8AsLatin1 + "\"");
    }

    @Test
    void redirectsArePassedThroughNotFollowed() throws Exception {
        upstream.responder((req, out, s) -> {
            out.write("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway("", "");
        var r = gw.get("/x");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("location")).hasValue("http://127.0.0.1:1/elsewhere");
        upstream.take();
        assertThat(upstream.poll(200)).isNull();
    }

    @Test
    void noUserAgentIsInventedAndClientOneIsKept() throws Exception {
        gateway("", "");
        RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1500);
        assertThat(upstream.take().header("User-Agent")).isNull();
        RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nUser-Agent: probe/1\r\nConnection: close\r\n\r\n", 1500);
        assertThat(upstream.take().header("User-Agent")).isEqualTo("probe/1");
    }

    @Test
    void headRequestKeepsContentLengthWithoutBody() throws Exception {
        upstream.responder((req, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway("", "");
        var r = RawClient.exchange(gw.port(), "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n", 1000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Length")).isEqualTo("1234");
        assertThat(r.body()).isEmpty();
    }
}
