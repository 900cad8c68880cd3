package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig.Balancer;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way {@link ProxyClient#send} can end brings the target's in-flight count back to where it was. */
class InFlightCountTest {
    private final ProxyClient client = new ProxyClient();

    private static Upstream upstream(String url) {
        return new Upstream(TestTargets.config(Balancer.LEAST_REQUESTS, null,
                List.of(new TargetConfig(URI.create(url), 1))));
    }

    private static RequestHead get() {
        return new RequestHead("GET", "/x").add("Host", "a");
    }

    private static ProxyClient.Body body(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return new ProxyClient.Body(out -> out.write(b), b.length, true);
    }

    @Test
    void successCountsUntilTheResponseIsClosed() throws Exception {
        try (RawUpstream raw = new RawUpstream()) {
            Upstream up = upstream(raw.url());
            Target t = up.targets().get(0);
            UpstreamResponse r = client.send(up, t, get(), null, Duration.ofSeconds(5));
            assertThat(t.inFlight()).isEqualTo(1);
            UpstreamResponse second = client.send(up, t, get(), null, Duration.ofSeconds(5));
            assertThat(t.inFlight()).isEqualTo(2);
            r.body().readAllBytes();
            r.close();
            assertThat(t.inFlight()).isEqualTo(1);
            second.close(); // body unread: connection closed, request still ends
            second.close(); // a second close changes nothing
            assertThat(t.inFlight()).isZero();
            up.close();
        }
    }

    @Test
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Upstream up = upstream("http://127.0.0.1:" + port);
        Target t = up.targets().get(0);
        assertThatThrownBy(() -> client.send(up, t, get(), null, Duration.ofSeconds(5)))
                .isInstanceOf(UpstreamFailure.class);
        assertThat(t.inFlight()).isZero();
    }

    @Test
    void invalidResponseAndTimeout() throws Exception {
        try (RawUpstream raw = new RawUpstream((req, out, s) -> {
            if (req.target().equals("/slow")) {
                return; // never answers
            }
            out.write("garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            Upstream up = upstream(raw.url());
            Target t = up.targets().get(0);
            assertThatThrownBy(() -> client.send(up, t, get(), null, Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(UpstreamFailure.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamFailure.Kind.PROTOCOL));
            assertThat(t.inFlight()).isZero();
            assertThatThrownBy(() -> client.send(up, t, new RequestHead("GET", "/slow").add("Host", "a"), null,
                    Duration.ofMillis(200)))
                    .isInstanceOfSatisfying(UpstreamFailure.class,
                            e -> assertThat(e.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT));
            assertThat(t.inFlight()).isZero();
            up.close();
        }
    }

    @Test
    void clientBodyFailureAndUnexpectedErrors() throws Exception {
        try (RawUpstream raw = new RawUpstream()) {
            Upstream up = upstream(raw.url());
            Target t = up.targets().get(0);
            ProxyClient.Body broken = new ProxyClient.Body(out -> {
                out.write('x');
                throw new ClientBodyException(400, "client went away", null);
            }, 10, false);
            assertThatThrownBy(() -> client.send(up, t, new RequestHead("POST", "/x").add("Host", "a"), broken,
                    Duration.ofSeconds(5))).isInstanceOf(ClientBodyException.class);
            assertThat(t.inFlight()).isZero();

            ProxyClient.Body buggy = new ProxyClient.Body(out -> {
                throw new IllegalStateException("bug");
            }, -1, false);
            assertThatThrownBy(() -> client.send(up, t, new RequestHead("POST", "/x").add("Host", "a"), buggy,
                    Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class);
            assertThat(t.inFlight()).isZero();
            up.close();
        }
    }

    @Test
    void staleKeepAliveConnectionReplacedOnce() throws Exception {
        AtomicInteger n = new AtomicInteger();
        try (RawUpstream raw = new RawUpstream((req, out, s) -> {
            if (n.incrementAndGet() == 2) {
                s.close(); // the pooled connection dies under the second request
                return;
            }
            RawUpstream.ok("ok").respond(req, out, s);
        })) {
            Upstream up = upstream(raw.url());
            Target t = up.targets().get(0);
            try (UpstreamResponse r = client.send(up, t, get(), null, Duration.ofSeconds(5))) {
                r.body().readAllBytes();
            }
            try (UpstreamResponse r = client.send(up, t, get(), body("abc"), Duration.ofSeconds(5))) {
                assertThat(r.head().status()).isEqualTo(200);
                assertThat(t.inFlight()).isEqualTo(1);
                r.body().readAllBytes();
            }
            assertThat(t.inFlight()).isZero();
            assertThat(n.get()).isEqualTo(3);
            up.close();
        }
    }

    @Test
    void concurrentRequestsAllEnd() throws Exception {
        try (RawUpstream raw = new RawUpstream()) {
            Upstream up = upstream(raw.url());
            Target t = up.targets().get(0);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int k = 0; k < 20; k++) {
                        try (UpstreamResponse r = client.send(up, t, get(), null, Duration.ofSeconds(5))) {
                            if (k % 2 == 0) {
                                r.body().readAllBytes();
                            }
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(t.inFlight()).isZero();
            up.close();
        }
    }
}
