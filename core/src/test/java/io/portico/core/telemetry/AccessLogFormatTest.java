package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.config.TelemetryConfig;
import io.portico.core.testing.MiniJson;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The line format of one record, and that observers' failures stay contained. */
class AccessLogFormatTest {
    @Test
    void aRecordBecomesOneStrictJsonLine() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        AccessLog log = new AccessLog(new ByteArrayOutputStream(), true, TelemetryConfig.ACCESS_LOG_FIELDS, 4, metrics);
        try {
            RequestRecord r = new RequestRecord(0, "id-\"1\"", "4bf92f3577b34da6a3ce929d0e0e4736",
                    InetAddress.getByName("10.1.2.3"), "GET", "/a\nb/é", "orders", "up", "10.0.0.1:80", 200, 12, 345,
                    1_234_567, 1_000, "mobile-app", "ua\u0001", 1, false);
            StringBuilder b = new StringBuilder();
            log.format(b, r);
            String line = b.toString();
            assertThat(line).endsWith("}\n").doesNotContain("\u0001");
            assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) MiniJson.parse(line);
            assertThat(m).containsEntry("time", "1970-01-01T00:00:00Z").containsEntry("request_id", "id-\"1\"")
                    .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736").containsEntry("client_ip", "10.1.2.3")
                    .containsEntry("path", "/a\nb/é").containsEntry("status", 200L).containsEntry("bytes_in", 12L)
                    .containsEntry("bytes_out", 345L).containsEntry("duration_ms", 1.234).containsEntry("upstream_ms", 0.001)
                    .containsEntry("consumer", "mobile-app").containsEntry("user_agent", "ua\u0001");
        } finally {
            log.close();
        }
    }

    @Test
    void aFailingObserverIsContainedAndTheOthersStillRun() {
        int[] calls = new int[1];
        Telemetry t = new Telemetry(new GatewayMetrics(), null, List.of(r -> {
            throw new IllegalStateException("boom");
        }, r -> calls[0]++));
        RequestProgress p = t.begin();
        t.end(p, null, "GET", "/", 200, 0, 0, null, null, false);
        RequestProgress p2 = t.begin();
        t.end(p2, null, "GET", "/", 200, 0, 0, null, null, false);
        assertThat(calls[0]).isEqualTo(2);
        assertThat(RequestProgress.current()).isNull();
        assertThat(PromText.parse(new String(t.metrics().scrape(), java.nio.charset.StandardCharsets.UTF_8))
                .valueOr0("portico_requests_total", "route", "none", "method", "GET", "status_class", "2xx")).isEqualTo(2.0);
    }
}
