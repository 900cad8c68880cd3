package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.Gateway;
import io.portico.core.config.ConfigLoader;
import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries and config reloads reach their counters through the real gateway. */
class TelemetryWiringTest {
    @TempDir
    Path dir;

    private static PromText scrape(Gateway g) {
        return PromText.parse(new String(g.telemetry().metrics().scrape(), StandardCharsets.UTF_8));
    }

    private static PromText await(Gateway g, Predicate<PromText> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        PromText p = scrape(g);
        while (!done.test(p) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            p = scrape(g);
        }
        return p;
    }

    @Test
    void retriesAreCountedPerUpstreamAndTheFailedAttemptsPerTarget() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RawUpstream up = new RawUpstream(RawUpstream.ok("ok"));
             GatewayFixture gw = GatewayFixture.upstream("[ \"http://127.0.0.1:" + closed + "\", \"" + up.url() + "\" ]",
                     "retries: { attempts: 1 }\n    balancer: round-robin")) {
            for (int i = 0; i < 4; i++) {
                assertThat(gw.get("/x").statusCode()).isEqualTo(200);
            }
            PromText p = await(gw.gateway(), m -> m.valueOr0("portico_requests_total", "route", "all", "method", "GET",
                    "status_class", "2xx") >= 4);
            double retries = p.valueOr0("portico_retries_total", "upstream", "up");
            double failed = p.valueOr0("portico_upstream_errors_total", "upstream", "up", "target", "127.0.0.1:" + closed,
                    "kind", "connect");
            assertThat(retries).isGreaterThanOrEqualTo(1.0).isEqualTo(failed);
            assertThat(p.valueOr0("portico_upstream_request_duration_seconds_count", "upstream", "up",
                    "target", "127.0.0.1:" + up.port())).isEqualTo(4.0);
        }
    }

    @Test
    void configReloadsAreCountedByResult() throws Exception {
        Path file = dir.resolve("portico.yaml");
        Files.writeString(file, "server: { port: 0 }\ntelemetry: { access-log: off }\nroutes: []\n");
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        Gateway g = Gateway.start(loader.load(file)).watchConfig(file, loader);
        try {
            Files.writeString(file, "server: { port: 0 }\ntelemetry: { access-log: off }\nroutes: [ { id: x\n");
            g.reload().reload();
            PromText p = await(g, m -> m.valueOr0("portico_config_reloads_total", "result", "failed") >= 1);
            assertThat(p.valueOr0("portico_config_reloads_total", "result", "failed")).isGreaterThanOrEqualTo(1.0);
            assertThat(p.valueOr0("portico_config_reloads_total", "result", "ok")).isEqualTo(0.0);
            Files.writeString(file, "server: { port: 0 }\ntelemetry: { access-log: off }\n"
                    + "upstreams: { u: { targets: [ \"http://127.0.0.1:1\" ] } }\n"
                    + "routes: [ { id: x, match: { path: /x }, upstream: u } ]\n");
            g.reload().reload();
            p = await(g, m -> m.valueOr0("portico_config_reloads_total", "result", "ok") >= 1);
            assertThat(p.valueOr0("portico_config_reloads_total", "result", "ok")).isEqualTo(1.0);
        } finally {
            g.stop();
        }
    }
}
