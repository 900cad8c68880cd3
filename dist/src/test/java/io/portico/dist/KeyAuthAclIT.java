package io.portico.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.plugins.testkit.LogCapture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled {@code key-auth} and {@code acl} plugin jars in a real gateway ({@link PluginGateway}) in front of a
 * real upstream ({@link EchoUpstream}): consumers with hashed keys, the key removed before the upstream, the 401 and
 * 403 problems on the wire, and no key in any log record (the JUL root logger captured at {@link Level#ALL}).
 */
class KeyAuthAclIT {
    static final String PARTNER_KEY = "pk_partner_7d1f0b9e64c2a8";
    static final String APP_KEY = "pk_app_0c3e5a7b9d1f24";
    static final String WRONG_KEY = "pk_wrong_5e8a2c4f6b0d13";

    @TempDir
    Path dir;

    private EchoUpstream upstream;
    private PluginGateway gateway;
    private LogCapture log;

    static String hash(String key) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(d);
    }

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.of("");
        upstream = new EchoUpstream();
        gateway = PluginGateway.start(dir, """
                upstreams:
                  echo: { targets: [ { url: "%s" } ] }
                consumers:
                  - { id: partner-co, api-keys: [ "%s" ], groups: [ partners ], scopes: [ orders:read ] }
                  - { id: mobile-app, api-keys: [ "%s" ], groups: [ apps ] }
                routes:
                  - id: keyed
                    match: { path: /keyed/** }
                    upstream: echo
                    filters:
                      - { type: key-auth }
                  - id: query
                    match: { path: /query/** }
                    upstream: echo
                    filters:
                      - { type: key-auth, query: api_key }
                  - id: partners
                    match: { path: /partners/** }
                    upstream: echo
                    filters:
                      - { type: key-auth, header: X-Partner-Key }
                      - { type: acl, groups: [ partners ] }
                  - id: open-acl
                    match: { path: /open/** }
                    upstream: echo
                    filters:
                      - { type: acl, scopes: [ orders:read ] }
                """.formatted(upstream.url(), hash(PARTNER_KEY), hash(APP_KEY)));
    }

    @AfterEach
    void stop() {
        try {
            if (gateway != null) {
                gateway.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        } finally {
            log.close();
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status, String slug) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.body()).contains("\"type\":\"urn:portico:problem:" + slug + "\"")
                .contains("\"status\":" + status).contains("\"title\":").contains("\"detail\":")
                .contains("\"instance\":");
    }

    @Test
    void theRightKeyReachesTheUpstreamWithoutTheKey() throws Exception {
        HttpResponse<String> r = gateway.get("/keyed/orders?page=2", "X-Api-Key", APP_KEY, "X-Other", "kept");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("GET /keyed/orders?page=2");
        EchoUpstream.Received got = upstream.received().poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.header("X-Api-Key")).isNull();
        assertThat(got.header("X-Other")).isEqualTo("kept");
        assertThat(got.headers().toString()).doesNotContain(APP_KEY);
    }

    @Test
    void noKeyOrAWrongKeyIs401ProblemAndNeverReachesTheUpstream() throws Exception {
        HttpResponse<String> missing = gateway.get("/keyed/orders");
        assertProblem(missing, 401, "unauthorized");
        assertThat(missing.body()).contains("X-Api-Key header");
        assertThat(missing.headers().firstValue("WWW-Authenticate"))
                .contains("ApiKey realm=\"portico\", header=\"X-Api-Key\"");

        HttpResponse<String> wrong = gateway.get("/keyed/orders", "X-Api-Key", WRONG_KEY);
        assertProblem(wrong, 401, "invalid-api-key");
        assertThat(wrong.body()).doesNotContain(WRONG_KEY);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .contains("ApiKey realm=\"portico\", header=\"X-Api-Key\"");

        // a key of the right consumer in another header than the route's is no key at all
        assertProblem(gateway.get("/partners/x", "X-Api-Key", PARTNER_KEY), 401, "unauthorized");
        assertThat(upstream.count()).isZero();
    }

    @Test
    void aKeyInTheQueryIsAcceptedAndRemovedFromTheForwardedQuery() throws Exception {
        HttpResponse<String> r = gateway.get("/query/items?a=1&api_key=" + APP_KEY + "&b=2");
        assertThat(r.statusCode()).isEqualTo(200);
        EchoUpstream.Received got = upstream.received().poll(5, TimeUnit.SECONDS);
        assertThat(got.uri()).startsWith("/query/items?").doesNotContain("api_key").doesNotContain(APP_KEY)
                .contains("a=1").contains("b=2");
    }

    @Test
    void twoKeyHeadersAreRefusedEvenWhenBothAreRight() throws Exception {
        HttpResponse<String> r = gateway.get("/keyed/a", "X-Api-Key", APP_KEY, "X-Api-Key", APP_KEY);
        assertProblem(r, 401, "invalid-api-key");
        assertThat(upstream.count()).isZero();
    }

    @Test
    void aclGroupsLetThePartnerInAndForbidOthers() throws Exception {
        HttpResponse<String> partner = gateway.get("/partners/report", "X-Partner-Key", PARTNER_KEY);
        assertThat(partner.statusCode()).isEqualTo(200);
        assertThat(upstream.received().poll(5, TimeUnit.SECONDS).header("X-Partner-Key")).isNull();

        HttpResponse<String> app = gateway.get("/partners/report", "X-Partner-Key", APP_KEY);
        assertProblem(app, 403, "forbidden");
        assertThat(app.body()).doesNotContain("partners\"").doesNotContain("mobile-app");
        assertThat(app.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(upstream.count()).isEqualTo(1);
    }

    @Test
    void aclWithoutAnAuthenticateFilterIs401() throws Exception {
        HttpResponse<String> r = gateway.get("/open/x", "X-Api-Key", PARTNER_KEY);
        assertProblem(r, 401, "unauthorized");
        assertThat(r.body()).contains("authenticated caller");
        assertThat(upstream.count()).isZero();
    }

    @Test
    void noKeyEverAppearsInALogRecord() throws Exception {
        gateway.get("/keyed/a", "X-Api-Key", APP_KEY);
        gateway.get("/keyed/a", "X-Api-Key", WRONG_KEY);
        gateway.get("/keyed/a?api_key=" + WRONG_KEY);
        gateway.get("/partners/a", "X-Partner-Key", APP_KEY);
        gateway.get("/partners/a", "X-Partner-Key", PARTNER_KEY);
        assertThat(upstream.count()).isEqualTo(2);

        // the filters did log (at FINE) under their loggers: the capture saw them
        assertThat(log.records()).anyMatch(r -> "portico.filter.key-auth".equals(r.getLoggerName())
                && r.getLevel() == Level.FINE && r.getMessage().contains("refused"));
        assertThat(log.records()).anyMatch(r -> "portico.filter.acl".equals(r.getLoggerName())
                && r.getMessage().contains("mobile-app"));
        SimpleFormatter formatter = new SimpleFormatter();
        for (LogRecord r : log.records()) {
            String text = formatter.format(r);
            assertThat(text).as("log record of %s", r.getLoggerName())
                    .doesNotContain(PARTNER_KEY).doesNotContain(APP_KEY).doesNotContain(WRONG_KEY);
        }
    }
}
