package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful stop: new connections are refused while a request in flight completes. */
class ShutdownTest {

    @Test
    void requestInFlightCompletesWhileNewConnectionsAreRefused() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        RawUpstream.Responder slow = (req, out, s) -> {
            arrived.countDown();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RawUpstream.ok("finished").respond(req, out, s);
        };
        try (RawUpstream up = new RawUpstream(slow)) {
            GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "shutdown-grace: 10s");
            int port = gw.port();
            // dedicated threads: the common pool may have a single worker on a 2-core machine
            ExecutorService threads = Executors.newFixedThreadPool(2);
            Future<RawClient.Result> inFlight = threads.submit(() ->
                    RawClient.exchange(port, "GET /slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 8000));
            assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            Future<?> stopping = threads.submit(gw::close);
            Thread.sleep(300);
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);
            RawClient.Result r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("finished");
            stopping.get(10, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(9000L);
            threads.shutdown();
        }
    }

    @Test
    void portInUseFailsFastWithAClearMessage() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> GatewayFixture.start("server: { host: 127.0.0.1, port: " + taken.getLocalPort() + " }\n"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("server.port")
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }
}
