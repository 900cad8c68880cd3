package io.portico.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.core.config.AdminConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.stop();
        }
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesNeedNoTokenAndReadinessFollowsTheGateway() throws Exception {
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, "s3cret-token"), ready::get);
        HttpResponse<String> live = send("GET", "/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(live.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(send("GET", "/health/ready").statusCode()).isEqualTo(200);
        ready.set(false);
        HttpResponse<String> draining = send("GET", "/health/ready");
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(send("GET", "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> post = send("POST", "/health/live");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void metricsAndAdminPathsNeedTheBearerToken() throws Exception {
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, "s3cret-token"), ready::get);
        for (String path : new String[] {"/metrics", "/admin/routes", "/admin/anything"}) {
            for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic czNjcmV0LXRva2Vu"},
                    {"Authorization", "Bearer s3cret-token-and-more"}, {"Authorization", "Bearer "}}) {
                HttpResponse<String> r = send("GET", path, headers);
                assertThat(r.statusCode()).as(path + " " + String.join(" ", headers)).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"portico-admin\"");
                assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
                assertThat(r.body()).contains("\"status\":401").doesNotContain("s3cret");
            }
            HttpResponse<String> ok = send("GET", path, "Authorization", "Bearer s3cret-token");
            assertThat(ok.statusCode()).as("past the token check").isNotEqualTo(401);
            assertThat(send("GET", path, "Authorization", "bearer s3cret-token").statusCode()).isNotEqualTo(401);
        }
    }

    @Test
    void withoutATokenTheDefaultListenerIsOnLoopbackOnly() throws Exception {
        AdminConfig defaults = AdminConfig.defaults();
        admin = AdminServer.start(new AdminConfig(defaults.host(), 0, defaults.token()), ready::get);
        assertThat(send("GET", "/admin/routes").statusCode()).as("no token configured: nothing to check").isEqualTo(404);
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        // on a machine with another address, the listener must not be reachable on it
        if (external.isPresent()) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(external.get(), admin.port()), 2000);
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void aPortInUseIsReportedWithTheConfigKey() {
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, ""), ready::get);
        assertThatThrownBy(() -> AdminServer.start(new AdminConfig("127.0.0.1", admin.port(), ""), ready::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(admin.port)");
    }
}
