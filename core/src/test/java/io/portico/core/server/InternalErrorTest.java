package io.portico.core.server;

import io.portico.core.config.ServerConfig;
import io.portico.core.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A bug inside the request path becomes a logged 500 problem, never a stack trace or a hung client. */
class InternalErrorTest {

    @Test
    void unexpectedExceptionIsA500ProblemWithTheRequestIdAndTheGatewayKeepsServing() throws Exception {
        ServerConfig defaults = ServerConfig.defaults();
        ServerConfig config = new ServerConfig("127.0.0.1", 0, defaults.maxBodySize(), defaults.maxRequestLine(),
                defaults.maxHeaderSize(), defaults.maxHeaders(), defaults.headerTimeout(), defaults.idleTimeout(),
                defaults.maxConnections(), List.of(), Duration.ofSeconds(1));
        GatewayServer server = new GatewayServer(config, () -> {
            throw new IllegalStateException("simulated bug at 10.1.2.3");
        }).start();
        try {
            for (int i = 0; i < 2; i++) {
                var r = RawClient.exchange(server.port(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Request-Id: req-" + i + "\r\n\r\n", 2000);
                assertThat(r.status()).isEqualTo(500);
                assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(r.body()).contains("\"instance\":\"req-" + i + "\"", "urn:portico:problem:internal-error")
                        .doesNotContain("IllegalStateException").doesNotContain("10.1.2.3");
                assertThat(r.closed()).isTrue();
            }
        } finally {
            server.stop();
        }
    }
}
