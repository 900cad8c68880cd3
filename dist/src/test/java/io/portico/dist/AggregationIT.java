package io.portico.dist;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aggregate routes behind the real jwt-auth plugin jar: the chain runs once before the fan-out, part paths are
 * templated with route parameters and JWT claims, the identity headers reach every part, and a merge script
 * from the scripts folder builds the answer (and is hot-swapped).
 */
class AggregationIT {
    private static final String SECRET = "aggregation-it-secret-of-32-bytes!!";
    private static final Algorithm HS = Algorithm.HMAC256(SECRET);

    @TempDir
    static Path dir;
    private static final List<HttpServer> servers = new java.util.ArrayList<>();
    private static final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private static PluginGateway gateway;

    /** A JSON upstream answering {@code {"from": name, "uri": <request uri>, "sub": <X-Sub header>}}. */
    private static String jsonUpstream(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            try (ex) {
                String uri = ex.getRequestURI().getRawPath()
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
                seen.add(name + " " + uri + " auth=" + (ex.getRequestHeaders().getFirst("Authorization") != null)
                        + " sub=" + ex.getRequestHeaders().getFirst("X-Sub"));
                byte[] body = ("{\"from\":\"" + name + "\",\"uri\":\"" + uri + "\",\"tenant\":\"" + name + "-t\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    @BeforeAll
    static void start() throws Exception {
        String users = jsonUpstream("users");
        String orders = jsonUpstream("orders");
        String billing = jsonUpstream("billing");
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/summary.js"), """
                export default {
                  merge(parts, ctx) {
                    return { v: 1, user: parts.user.uri, orders: parts.orders.uri, billing: parts.billing.uri,
                             consumer: ctx.consumer.id, tenant: ctx.consumer.claims.tenant, id: ctx.params.userId };
                  }
                };
                """);
        gateway = PluginGateway.start(dir, """
                upstreams:
                  users: { targets: [ "%s" ] }
                  orders: { targets: [ "%s" ] }
                  billing: { targets: [ "%s" ] }
                routes:
                  - id: dashboard
                    match: { path: "/api/{tenant}/dashboard/{userId}" }
                    filters:
                      - { type: jwt-auth, secret: "%s", forward-claims: { sub: X-Sub } }
                    aggregate:
                      parts:
                        - { name: user, upstream: users, path: "/t/{tenant}/users/{userId}?as={consumer.id}" }
                        - { name: orders, upstream: orders, path: "/orders?tenant={claims.tenant}&region={claims.region}" }
                        - { name: billing, upstream: billing, path: "/accounts/{user.tenant}/{claims.plan}", after: user }
                  - id: summary
                    match: { path: "/api/{tenant}/summary/{userId}" }
                    filters:
                      - { type: jwt-auth, secret: "%s" }
                    aggregate:
                      merge: { script: summary.js }
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders/{claims.tenant}" }
                        - { name: billing, upstream: billing, path: "/billing/{consumer.id}" }
                """.formatted(users, orders, billing, SECRET, SECRET));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        servers.forEach(s -> s.stop(0));
    }

    private static String token(String sub) {
        return JWT.create().withSubject(sub).withClaim("tenant", "acme corp").withClaim("region", "eu/west")
                .withClaim("plan", 3).withExpiresAt(Instant.now().plusSeconds(120)).sign(HS);
    }

    private static HttpResponse<String> call(String path, String token) throws Exception {
        return token == null ? gateway.get(path) : gateway.get(path, "Authorization", "Bearer " + token);
    }

    @Test
    void theChainRunsOnceAndPartsAreTemplatedWithRouteParamsAndJwtClaims() throws Exception {
        seen.clear();
        HttpResponse<String> res = call("/api/acme/dashboard/u%201", token("alice"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{"
                + "\"user\":{\"from\":\"users\",\"uri\":\"/t/acme/users/u%201?as=alice\",\"tenant\":\"users-t\"},"
                + "\"orders\":{\"from\":\"orders\",\"uri\":\"/orders?tenant=acme%20corp&region=eu%2Fwest\",\"tenant\":\"orders-t\"},"
                + "\"billing\":{\"from\":\"billing\",\"uri\":\"/accounts/users-t/3\",\"tenant\":\"billing-t\"}}");
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parts.add(seen.poll(5, TimeUnit.SECONDS));
        }
        // jwt-auth strips the token (strip-token) and forwards the subject: every part gets the same identity
        assertThat(parts).containsExactlyInAnyOrder(
                "users /t/acme/users/u%201?as=alice auth=false sub=alice",
                "orders /orders?tenant=acme%20corp&region=eu%2Fwest auth=false sub=alice",
                "billing /accounts/users-t/3 auth=false sub=alice");
        assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).as("one request per part, no more").isNull();
    }

    @Test
    void withoutATokenTheChainAnswersAndNoPartIsSent() throws Exception {
        seen.clear();
        HttpResponse<String> res = call("/api/acme/dashboard/u1", null);
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(seen.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aMergeScriptBuildsTheAnswerAndIsHotSwapped() throws Exception {
        HttpResponse<String> res = call("/api/acme/summary/u1", token("bob"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"v\":1,\"user\":\"/users/u1\",\"orders\":\"/orders/acme%20corp\","
                + "\"billing\":\"/billing/bob\",\"consumer\":\"bob\",\"tenant\":\"acme corp\",\"id\":\"u1\"}");

        Files.writeString(dir.resolve("scripts/summary.js"), """
                export default { merge(parts, ctx) { return { v: 2, parts: Object.keys(parts).sort() }; } };
                """);
        gateway.scripts().rescan();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = "";
        while (System.nanoTime() < until && !body.startsWith("{\"v\":2")) {
            body = call("/api/acme/summary/u1", token("bob")).body();
        }
        assertThat(body).isEqualTo("{\"v\":2,\"parts\":[\"billing\",\"orders\",\"user\"]}");

        Files.writeString(dir.resolve("scripts/summary.js"), "export default { merge( };");
        gateway.scripts().rescan();
        assertThat(call("/api/acme/summary/u1", token("bob")).body()).as("a broken edit keeps the previous version")
                .isEqualTo("{\"v\":2,\"parts\":[\"billing\",\"orders\",\"user\"]}");
    }
}
