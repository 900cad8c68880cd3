package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code POST} with a body that reached a target which then died without answering (it may have acted on
 * it) is never sent again, neither to another target ({@code retries}) nor over a fresh connection to the
 * same one (the pooled-connection repeat): the client gets 502 and the other target never sees the POST.
 * RetriesTest covers a POST that got a 502/503 answer or whose connection was refused.
 */
class PostNotRetriedTest {

    @Test
    void aPostWhoseTargetDroppedTheConnectionIsNotSentAgain() throws Exception {
        // a takes a POST, reads it whole, and drops the connection without a byte of answer
        try (RawUpstream a = new RawUpstream((req, out, s) -> {
            if (req.requestLine().startsWith("POST")) {
                s.close();
                return;
            }
            BalancingThroughGatewayTest.ok("a").respond(req, out, s);
        });
             RawUpstream b = new RawUpstream(BalancingThroughGatewayTest.ok("b"));
             GatewayFixture gw = GatewayFixture.upstream("[ \"" + a.url() + "\", \"" + b.url() + "\" ]",
                     "retries: { attempts: 3 }")) {
            // round-robin: a, b, a, b, a. The first POST goes to a over a new connection, the second over the
            // connection the GET before it left in the pool.
            List<Integer> statuses = new ArrayList<>();
            statuses.add(RawClient.exchange(gw.port(), post(), 3000).status());
            statuses.add(RawClient.exchange(gw.port(), get(), 3000).status());
            statuses.add(RawClient.exchange(gw.port(), get(), 3000).status());
            statuses.add(RawClient.exchange(gw.port(), get(), 3000).status());
            assertThat(gw.gateway().snapshot().upstreams().get("up").targets().get(0).idleConnections()).isEqualTo(1);
            RawClient.Result last = RawClient.exchange(gw.port(), post(), 3000);
            statuses.add(last.status());

            assertThat(statuses).containsExactly(502, 200, 200, 200, 502);
            assertThat(last.header("Content-Type")).isEqualTo("application/problem+json");

            List<RawUpstream.Received> atA = drain(a);
            List<RawUpstream.Received> atB = drain(b);
            assertThat(atA).extracting(RawUpstream.Received::requestLine)
                    .containsExactly("POST /p HTTP/1.1", "GET /g HTTP/1.1", "POST /p HTTP/1.1");
            assertThat(atA.get(2).connectionId()).isEqualTo(atA.get(1).connectionId()); // the pooled one
            assertThat(atA.get(0).bodyText()).isEqualTo("abc");
            assertThat(atB).extracting(RawUpstream.Received::requestLine)
                    .containsExactly("GET /g HTTP/1.1", "GET /g HTTP/1.1");
        }
    }

    private static List<RawUpstream.Received> drain(RawUpstream up) throws InterruptedException {
        List<RawUpstream.Received> out = new ArrayList<>();
        RawUpstream.Received r;
        while ((r = up.poll(200)) != null) {
            out.add(r);
        }
        return out;
    }

    private static String post() {
        return "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
    }

    private static String get() {
        return "GET /g HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    }
}
