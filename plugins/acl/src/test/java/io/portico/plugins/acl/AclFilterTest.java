package io.portico.plugins.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AclFilterTest {
    private final AclFilterFactory factory = new AclFilterFactory();
    private final FakeFilterContext context = new FakeFilterContext("acl");

    private Decision run(AclConfig config, Consumer consumer) {
        FakeExchange ex = FakeExchange.get("/orders");
        if (consumer != null) {
            ex.consumer(consumer);
        }
        return factory.create(config, context).onRequest(ex);
    }

    private static Consumer consumer(Set<String> groups, Set<String> scopes, Map<String, Object> claims) {
        return new Consumer("c-1", groups, scopes, claims);
    }

    private static void assertForbidden(Decision d) {
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.problem().slug()).isEqualTo("forbidden");
        assertThat(r.problem().detail()).isEqualTo("The caller is not allowed on this route.");
        assertThat(r.headers()).isEmpty();
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("acl");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHORIZE);
        assertThat(factory.configType()).isEqualTo(AclConfig.class);
    }

    @Test
    void noConsumerIs401WithoutAChallenge() {
        Decision d = run(new AclConfig(List.of("orders:read"), List.of(), Map.of()), null);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.problem().slug()).isEqualTo("unauthorized");
        assertThat(r.problem().detail()).isEqualTo("This route requires an authenticated caller.");
        assertThat(r.headers()).isEmpty();
        assertThat(context.count("unauthenticated")).isEqualTo(1);
        assertThat(context.count("denied")).isZero();
    }

    @Test
    void scopesAreAllRequired() {
        AclConfig c = new AclConfig(List.of("orders:read", "orders:write"), List.of(), Map.of());
        assertThat(run(c, consumer(Set.of(), Set.of("orders:write", "x", "orders:read"), Map.of())))
                .isEqualTo(Decision.proceed());
        assertForbidden(run(c, consumer(Set.of(), Set.of("orders:read"), Map.of())));
        // a group of the same name is not a scope
        assertForbidden(run(c, consumer(Set.of("orders:read", "orders:write"), Set.of(), Map.of())));
        assertThat(context.count("allowed")).isEqualTo(1);
        assertThat(context.count("denied")).isEqualTo(2);
    }

    @Test
    void oneGroupIsEnough() {
        AclConfig c = new AclConfig(List.of(), List.of("partners", "staff"), Map.of());
        assertThat(run(c, consumer(Set.of("staff"), Set.of(), Map.of()))).isEqualTo(Decision.proceed());
        assertThat(run(c, consumer(Set.of("x", "partners"), Set.of(), Map.of()))).isEqualTo(Decision.proceed());
        assertForbidden(run(c, consumer(Set.of("guests"), Set.of(), Map.of())));
        assertForbidden(run(c, consumer(Set.of(), Set.of("partners"), Map.of())));
    }

    @Test
    void claimsMustAllMatch() {
        AclConfig c = new AclConfig(List.of(), List.of(), Map.of("tier", "gold", "level", "3", "verified", "true"));
        assertThat(run(c, consumer(Set.of(), Set.of(), Map.of("tier", "gold", "level", 3, "verified", true))))
                .isEqualTo(Decision.proceed());
        assertThat(run(c, consumer(Set.of(), Set.of(), Map.of("tier", List.of("silver", "gold"), "level", 3.0,
                "verified", "true")))).isEqualTo(Decision.proceed());
        assertForbidden(run(c, consumer(Set.of(), Set.of(), Map.of("tier", "gold", "level", 3, "verified", false))));
        assertForbidden(run(c, consumer(Set.of(), Set.of(), Map.of("tier", "gold", "level", 4, "verified", true))));
        assertForbidden(run(c, consumer(Set.of(), Set.of(), Map.of("level", 3, "verified", true))));
        assertForbidden(run(c, consumer(Set.of(), Set.of(), Map.of("tier", List.of("silver"), "level", 3, "verified", true))));
    }

    @Test
    void everyConfiguredRuleKindMustHold() {
        AclConfig c = new AclConfig(List.of("orders:read"), List.of("partners"), Map.of("tier", "gold"));
        Consumer all = consumer(Set.of("partners"), Set.of("orders:read"), Map.of("tier", "gold"));
        assertThat(run(c, all)).isEqualTo(Decision.proceed());
        assertForbidden(run(c, consumer(Set.of(), Set.of("orders:read"), Map.of("tier", "gold"))));
        assertForbidden(run(c, consumer(Set.of("partners"), Set.of(), Map.of("tier", "gold"))));
        assertForbidden(run(c, consumer(Set.of("partners"), Set.of("orders:read"), Map.of("tier", "silver"))));
    }

    @Test
    void theDenialReasonIsLoggedAtFineWithTheConsumerButNotAnswered() {
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("portico.filter.acl")) {
            Decision d = run(new AclConfig(List.of("orders:write"), List.of(), Map.of()),
                    consumer(Set.of(), Set.of("orders:read"), Map.of()));
            assertForbidden(d);
            assertThat(((Decision.Respond) d).problem().detail()).doesNotContain("orders:write");
            records = List.copyOf(log.records());
        }
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.FINE);
            assertThat(r.getMessage()).contains("'c-1'").contains("orders:write").contains("req-1");
        });
    }
}
