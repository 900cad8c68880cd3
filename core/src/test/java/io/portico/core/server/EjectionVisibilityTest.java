package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The balancer stops offering a target as soon as it is ejected, not after the ejection is logged. */
class EjectionVisibilityTest {
    @Test
    void anEjectedTargetIsNoLongerACandidateOnceEjected() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Logger log = Logger.getLogger("io.portico.core.upstream.TargetHealth");
        AtomicReference<Upstream> upRef = new AtomicReference<>();
        AtomicReference<Boolean> stillCandidate = new AtomicReference<>();
        Handler probe = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage().contains("is ejected") && upRef.get() != null) {
                    Upstream up = upRef.get();
                    Target dead = up.targets().get(1);
                    // the target IS ejected (TargetHealth says so) while this line is being logged
                    assertThat(dead.health().ejectedAt(System.nanoTime())).isTrue();
                    stillCandidate.set(up.available().contains(dead));
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(probe);
        try (RawUpstream a = new RawUpstream(BalancingThroughGatewayTest.ok("a"));
             GatewayFixture gw = GatewayFixture.upstream("[ \"" + a.url() + "\", \"http://127.0.0.1:" + deadPort + "\" ]",
                     "retries: { attempts: 0 }\n    health: { passive: { failures: 1, eject: 30s } }")) {
            upRef.set(gw.gateway().snapshot().upstreams().get("up"));
            for (int i = 0; i < 4 && stillCandidate.get() == null; i++) {
                gw.get("/x");
            }
            assertThat(stillCandidate.get()).as("ejection logged").isNotNull();
            assertThat(stillCandidate.get()).as("ejected target still offered to the balancer while the ejection is logged").isFalse();
        } finally {
            log.removeHandler(probe);
        }
    }
}
