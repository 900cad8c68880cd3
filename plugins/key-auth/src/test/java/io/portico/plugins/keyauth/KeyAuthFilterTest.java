package io.portico.plugins.keyauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.LogCapture;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeQuery;
import io.portico.plugins.testkit.FakeRequest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class KeyAuthFilterTest {
    static final String PARTNER_KEY = "pk_live_2f9a7c1e5b3d4a6f8e0c";
    static final String OTHER_KEY = "another-key-of-the-app";
    static final String CHALLENGE = "ApiKey realm=\"portico\", header=\"X-Api-Key\"";

    static final Consumer PARTNER = new Consumer("partner", Set.of("partners"), Set.of("orders:read"), Map.of());
    static final Consumer APP = new Consumer("mobile-app", Set.of(), Map.of());

    private final KeyAuthFilterFactory factory = new KeyAuthFilterFactory();
    private final FakeFilterContext context = new FakeFilterContext("key-auth").consumers(List.of(
            new ConfiguredConsumer(PARTNER, List.of(hash(PARTNER_KEY))),
            new ConfiguredConsumer(APP, List.of(hash(OTHER_KEY)))));

    static String hash(String key) {
        return "sha256:" + HexFormat.of().formatHex(ApiKeys.sha256(key));
    }

    private static KeyAuthConfig config() {
        return new KeyAuthConfig("X-Api-Key", Optional.empty(), false);
    }

    private GatewayFilter filter(KeyAuthConfig config) {
        return factory.create(config, context);
    }

    static FakeExchange withHeader(String... nameValues) {
        return new FakeExchange(new FakeRequest("GET", "/orders").headers(FakeHeaders.of(nameValues)));
    }

    static Decision.Respond refusal(Decision d, String slug) {
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.problem().slug()).isEqualTo(slug);
        assertThat(r.headers()).containsExactly(Map.entry("WWW-Authenticate", CHALLENGE));
        return r;
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("key-auth");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHENTICATE);
        assertThat(factory.configType()).isEqualTo(KeyAuthConfig.class);
    }

    @Test
    void aKnownKeySetsItsConsumerAndIsRemoved() {
        FakeExchange ex = withHeader("X-Api-Key", PARTNER_KEY, "Accept", "application/json");
        assertThat(filter(config()).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).contains(PARTNER);
        assertThat(ex.request().headers().contains("X-Api-Key")).isFalse();
        assertThat(ex.request().headers().first("Accept")).contains("application/json");
        assertThat(context.count("ok")).isEqualTo(1);

        FakeExchange other = withHeader("x-api-key", OTHER_KEY);
        assertThat(filter(config()).onRequest(other)).isEqualTo(Decision.proceed());
        assertThat(other.consumer()).contains(APP);
    }

    @Test
    void surroundingWhitespaceOfTheHeaderValueIsIgnored() {
        FakeExchange ex = withHeader("X-Api-Key", "  " + PARTNER_KEY + " ");
        assertThat(filter(config()).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).contains(PARTNER);
    }

    @Test
    void noKeyIs401Unauthorized() {
        FakeExchange ex = withHeader("Authorization", "Bearer abc");
        Decision.Respond r = refusal(filter(config()).onRequest(ex), "unauthorized");
        assertThat(r.problem().detail()).isEqualTo("This route requires an API key in the X-Api-Key header.");
        assertThat(ex.consumer()).isEmpty();
        assertThat(context.count("missing")).isEqualTo(1);

        refusal(filter(config()).onRequest(withHeader("X-Api-Key", "   ")), "unauthorized");
        assertThat(context.count("missing")).isEqualTo(2);
    }

    @Test
    void anUnknownKeyIs401InvalidApiKey() {
        FakeExchange ex = withHeader("X-Api-Key", PARTNER_KEY + "x");
        Decision.Respond r = refusal(filter(config()).onRequest(ex), "invalid-api-key");
        assertThat(r.problem().detail()).doesNotContain(PARTNER_KEY);
        assertThat(ex.consumer()).isEmpty();
        assertThat(context.count("invalid")).isEqualTo(1);
        assertThat(context.count("ok")).isZero();
    }

    @Test
    void severalHeaderValuesAreRefusedEvenWhenOneIsValid() {
        FakeExchange ex = withHeader("X-Api-Key", PARTNER_KEY, "X-Api-Key", PARTNER_KEY);
        refusal(filter(config()).onRequest(ex), "invalid-api-key");
        assertThat(ex.consumer()).isEmpty();
        assertThat(context.count("invalid")).isEqualTo(1);
    }

    @Test
    void anOverlongKeyIsRefusedWithoutLookingItUp() {
        String longKey = "k".repeat(KeyAuthFilter.MAX_KEY_LENGTH + 1);
        // configured, so only the length check can refuse it
        FakeFilterContext ctx = new FakeFilterContext("key-auth")
                .consumers(List.of(new ConfiguredConsumer(PARTNER, List.of(hash(longKey)))));
        FakeExchange ex = withHeader("X-Api-Key", longKey);
        refusal(factory.create(config(), ctx).onRequest(ex), "invalid-api-key");
        assertThat(ex.consumer()).isEmpty();
        assertThat(ctx.count("invalid")).isEqualTo(1);

        String maxKey = "k".repeat(KeyAuthFilter.MAX_KEY_LENGTH);
        FakeFilterContext ok = new FakeFilterContext("key-auth")
                .consumers(List.of(new ConfiguredConsumer(PARTNER, List.of(hash(maxKey)))));
        assertThat(factory.create(config(), ok).onRequest(withHeader("X-Api-Key", maxKey))).isEqualTo(Decision.proceed());
    }

    @Test
    void forwardKeepsTheKey() {
        KeyAuthConfig forward = new KeyAuthConfig("X-Api-Key", Optional.of("api_key"), true);
        FakeExchange ex = new FakeExchange(new FakeRequest("GET", "/")
                .headers(FakeHeaders.of("X-Api-Key", PARTNER_KEY)).query(FakeQuery.of("api_key", OTHER_KEY)));
        assertThat(filter(forward).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.request().headers().first("X-Api-Key")).contains(PARTNER_KEY);
        assertThat(ex.request().query().first("api_key")).contains(OTHER_KEY);
    }

    @Test
    void withoutForwardBothTheHeaderAndTheQueryParameterAreRemoved() {
        KeyAuthConfig c = new KeyAuthConfig("X-Api-Key", Optional.of("api_key"), false);
        FakeExchange ex = new FakeExchange(new FakeRequest("GET", "/")
                .headers(FakeHeaders.of("X-Api-Key", PARTNER_KEY))
                .query(FakeQuery.of("api_key", OTHER_KEY, "page", "2")));
        assertThat(filter(c).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).contains(PARTNER); // the header wins over the query parameter
        assertThat(ex.request().headers().contains("X-Api-Key")).isFalse();
        assertThat(ex.request().query().all("api_key")).isEmpty();
        assertThat(ex.request().query().first("page")).contains("2");
    }

    @Test
    void theQueryParameterIsReadWhenConfiguredAndTheHeaderIsAbsent() {
        KeyAuthConfig c = new KeyAuthConfig("X-Api-Key", Optional.of("api_key"), false);
        FakeExchange ex = new FakeExchange(new FakeRequest("GET", "/").query(FakeQuery.of("api_key", OTHER_KEY)));
        assertThat(filter(c).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).contains(APP);
        assertThat(ex.request().query().all("api_key")).isEmpty();

        FakeExchange twice = new FakeExchange(new FakeRequest("GET", "/")
                .query(FakeQuery.of("api_key", OTHER_KEY, "api_key", OTHER_KEY)));
        Decision.Respond r = (Decision.Respond) filter(c).onRequest(twice);
        assertThat(r.problem().slug()).isEqualTo("invalid-api-key");
        assertThat(r.headers()).containsExactly(Map.entry("WWW-Authenticate",
                "ApiKey realm=\"portico\", header=\"X-Api-Key\", query=\"api_key\""));

        Decision.Respond none = (Decision.Respond) filter(c).onRequest(FakeExchange.get("/"));
        assertThat(none.problem().detail())
                .isEqualTo("This route requires an API key in the X-Api-Key header or the api_key query parameter.");
    }

    @Test
    void theQueryParameterIsIgnoredUnlessConfigured() {
        FakeExchange ex = new FakeExchange(new FakeRequest("GET", "/").query(FakeQuery.of("api_key", OTHER_KEY)));
        refusal(filter(config()).onRequest(ex), "unauthorized");
        assertThat(ex.request().query().first("api_key")).contains(OTHER_KEY);
    }

    @Test
    void aConsumerSetEarlierIsReplacedAndTheKeyIsStillRequired() {
        Consumer fromJwt = new Consumer("jwt-user", Set.of(), Map.of("sub", "jwt-user"));
        FakeExchange without = withHeader();
        without.consumer(fromJwt);
        refusal(filter(config()).onRequest(without), "unauthorized");

        FakeExchange with = withHeader("X-Api-Key", OTHER_KEY);
        with.consumer(fromJwt);
        assertThat(filter(config()).onRequest(with)).isEqualTo(Decision.proceed());
        assertThat(with.consumer()).contains(APP);
    }

    @Test
    void aHashWithTheSamePrefixButAnotherTailDoesNotMatch() {
        // the lookup buckets by the first 8 bytes; the full 32-byte constant-time comparison must decide
        byte[] real = ApiKeys.sha256(PARTNER_KEY);
        byte[] decoy = real.clone();
        decoy[31] ^= 1;
        String decoyHash = "sha256:" + HexFormat.of().formatHex(decoy);
        FakeFilterContext ctx = new FakeFilterContext("key-auth")
                .consumers(List.of(new ConfiguredConsumer(APP, List.of(decoyHash))));
        refusal(factory.create(config(), ctx).onRequest(withHeader("X-Api-Key", PARTNER_KEY)), "invalid-api-key");

        // both in one bucket, the decoy listed last: the real one still wins
        FakeFilterContext both = new FakeFilterContext("key-auth").consumers(List.of(
                new ConfiguredConsumer(PARTNER, List.of(hash(PARTNER_KEY))),
                new ConfiguredConsumer(APP, List.of(decoyHash))));
        FakeExchange ex = withHeader("X-Api-Key", PARTNER_KEY);
        assertThat(factory.create(config(), both).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).contains(PARTNER);
    }

    @Test
    void uppercaseHexInTheConfigurationIsAccepted() {
        FakeFilterContext ctx = new FakeFilterContext("key-auth").consumers(List.of(
                new ConfiguredConsumer(APP, List.of(hash(OTHER_KEY).toUpperCase().replace("SHA256:", "sha256:")))));
        assertThat(factory.create(config(), ctx).onRequest(withHeader("X-Api-Key", OTHER_KEY))).isEqualTo(Decision.proceed());
    }

    @Test
    void aMalformedHashIsRefusedAtCreation() {
        FakeFilterContext ctx = new FakeFilterContext("key-auth")
                .consumers(List.of(new ConfiguredConsumer(APP, List.of("sha256:xyz"))));
        assertThatThrownBy(() -> factory.create(config(), ctx))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("consumers: ")
                .hasMessageNotContaining("xyz");
    }

    @Test
    void withoutConfiguredKeysEveryKeyIsInvalidAndOneWarningIsLogged() {
        List<LogRecord> records = new ArrayList<>();
        FakeFilterContext empty = new FakeFilterContext("key-auth")
                .consumers(List.of(new ConfiguredConsumer(APP, List.of())));
        GatewayFilter f = capture(records, () -> factory.create(config(), empty));
        assertThat(records).filteredOn(r -> r.getLevel() == Level.WARNING).hasSize(1);
        assertThat(records.get(0).getMessage()).contains("no consumer has api-keys");
        refusal(f.onRequest(withHeader("X-Api-Key", OTHER_KEY)), "invalid-api-key");
        refusal(f.onRequest(withHeader()), "unauthorized");
    }

    @Test
    void theKeyNeverAppearsInTheLogAtAnyLevel() {
        List<LogRecord> records = new ArrayList<>();
        KeyAuthConfig c = new KeyAuthConfig("X-Api-Key", Optional.of("api_key"), false);
        String wrong = "wrong-" + PARTNER_KEY;
        capture(records, () -> {
            GatewayFilter f = factory.create(c, context);
            f.onRequest(withHeader("X-Api-Key", PARTNER_KEY));
            f.onRequest(withHeader("X-Api-Key", wrong));
            f.onRequest(withHeader("X-Api-Key", PARTNER_KEY, "X-Api-Key", wrong));
            f.onRequest(withHeader("X-Api-Key", wrong.repeat(100)));
            f.onRequest(new FakeExchange(new FakeRequest("GET", "/").query(FakeQuery.of("api_key", wrong))));
            return f;
        });
        assertThat(records).isNotEmpty(); // FINE records were written: the check below has something to look at
        for (LogRecord r : records) {
            String text = r.getMessage() + " " + java.util.Arrays.toString(r.getParameters());
            assertThat(text).doesNotContain(PARTNER_KEY).doesNotContain("wrong-");
        }
    }

    /** Runs {@code action} with every record of the filter's logger (at ALL levels) added to {@code records}. */
    static <T> T capture(List<LogRecord> records, java.util.function.Supplier<T> action) {
        try (LogCapture log = LogCapture.of("portico.filter.key-auth")) {
            try {
                return action.get();
            } finally {
                records.addAll(log.records());
            }
        }
    }
}
