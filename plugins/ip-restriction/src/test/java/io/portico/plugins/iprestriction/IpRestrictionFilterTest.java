package io.portico.plugins.iprestriction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpRestrictionFilterTest {
    private final IpRestrictionFilterFactory factory = new IpRestrictionFilterFactory();
    private final FakeFilterContext context = new FakeFilterContext("ip-restriction");

    private Decision decide(List<String> allow, List<String> deny, String ip) {
        GatewayFilter f = factory.create(new IpRestrictionConfig(allow, deny), context);
        return f.onRequest(FakeExchange.get("/").clientIp(ip));
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("ip-restriction");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHORIZE);
        assertThat(factory.configType()).isEqualTo(IpRestrictionConfig.class);
    }

    @Test
    void allowListAdmitsOnlyItsBlocks() {
        List<String> allow = List.of("10.0.0.0/8", "2001:db8::/32");
        assertThat(decide(allow, List.of(), "10.1.1.1")).isEqualTo(Decision.proceed());
        assertThat(decide(allow, List.of(), "2001:db8::5")).isEqualTo(Decision.proceed());
        assertThat(decide(allow, List.of(), "::ffff:10.1.1.1")).isEqualTo(Decision.proceed());
        assertThat(decide(allow, List.of(), "192.168.0.1")).isEqualTo(IpRestrictionFilter.DENIED);
    }

    @Test
    void denyWinsOverAllow() {
        Decision d = decide(List.of("10.0.0.0/8"), List.of("10.6.0.0/16"), "10.6.1.1");
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.problem().slug()).isEqualTo("ip-denied");
        assertThat(r.problem().detail()).doesNotContain("10.6");
        assertThat(context.count("denied")).isEqualTo(1);
    }

    @Test
    void emptyAllowAdmitsEverythingNotDenied() {
        List<String> deny = List.of("198.51.100.0/24", "::ffff:203.0.113.0/120");
        assertThat(decide(List.of(), deny, "8.8.8.8")).isEqualTo(Decision.proceed());
        assertThat(decide(List.of(), deny, "2001:db8::1")).isEqualTo(Decision.proceed());
        assertThat(decide(List.of(), deny, "198.51.100.9")).isEqualTo(IpRestrictionFilter.DENIED);
        assertThat(decide(List.of(), deny, "203.0.113.9")).isEqualTo(IpRestrictionFilter.DENIED);
        assertThat(decide(List.of(), deny, "::ffff:198.51.100.9")).isEqualTo(IpRestrictionFilter.DENIED);
    }

    @Test
    void anUnparsableClientAddressIsRefused() {
        assertThat(decide(List.of(), List.of("10.0.0.0/8"), "unknown")).isEqualTo(IpRestrictionFilter.DENIED);
        assertThat(decide(List.of(), List.of("10.0.0.0/8"), null)).isEqualTo(IpRestrictionFilter.DENIED);
    }

    @Test
    void invalidBlocksNameTheirKeyAndIndex() {
        assertThatThrownBy(() -> new IpRestrictionConfig(List.of("10.0.0.0/8", "10.0.0.0/40"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("allow[1]: ")
                .hasMessageContaining("prefix length 0..32");
        assertThatThrownBy(() -> new IpRestrictionConfig(List.of(), List.of("intranet.example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("deny[0]: ")
                .hasMessageContaining("10.0.0.0/8");
    }

    @Test
    void aFilterWithoutRulesIsAConfigError() {
        assertThatThrownBy(() -> new IpRestrictionConfig(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void configListsAreImmutableCopies() {
        var allow = new java.util.ArrayList<>(List.of("10.0.0.0/8"));
        IpRestrictionConfig c = new IpRestrictionConfig(allow, List.of());
        allow.clear();
        assertThat(c.allow()).containsExactly("10.0.0.0/8");
    }
}
