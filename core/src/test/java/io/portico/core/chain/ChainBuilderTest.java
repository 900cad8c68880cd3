package io.portico.core.chain;

import io.portico.api.Decision;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.FilterConfig.OnError;
import io.portico.core.config.MatchConfig;
import io.portico.core.config.RouteConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.portico.core.chain.TestFilters.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chain construction: ordering rules and build-time errors. No sockets. */
class ChainBuilderTest {
    private final List<FilterContextSeen> contexts = new ArrayList<>();

    record FilterContextSeen(String type, String route, String name) {
    }

    private FilterFactory<TestFilters.Cfg> f(String type, Phase phase) {
        return TestFilters.factory(type, phase, (cfg, ctx) -> {
            contexts.add(new FilterContextSeen(ctx.type(), ctx.routeId(), cfg.name()));
            return new Named(cfg.name());
        });
    }

    /** A filter that knows its config name, so tests can read the order. */
    record Named(String name) implements GatewayFilter {
        @Override
        public Decision onRequest(io.portico.api.Exchange exchange) {
            return Decision.proceed();
        }
    }

    private final FilterFactoryLookup lookup = TestFilters.lookup(
            f("auth", Phase.AUTHENTICATE), f("acl", Phase.AUTHORIZE), f("limit", Phase.QUOTA),
            f("transform", Phase.TRANSFORM), f("headers", Phase.TRANSFORM), f("log", Phase.TRANSFORM));

    private static RouteConfig route(String id, FilterConfig... filters) {
        return new RouteConfig(id, new MatchConfig("/**", java.util.Set.of(), Optional.empty(), Map.of(), Map.of()), "up",
                Optional.empty(), false, Optional.empty(), List.of(filters), 1);
    }

    private static List<String> names(FilterChain chain) {
        return chain.entries().stream().map(e -> ((Named) e.filter()).name()).toList();
    }

    private Map<String, FilterChain> build(List<FilterConfig> global, RouteConfig... routes) {
        return new ChainBuilder(lookup, 1024).build(global, List.of(routes));
    }

    @Test
    void phasesRunInEnumOrderWhateverTheConfigOrder() {
        var chains = build(List.of(), route("r", entry("transform", "t", 1), entry("limit", "q", 2),
                entry("auth", "a", 3), entry("acl", "z", 4)));
        assertThat(names(chains.get("r"))).containsExactly("a", "z", "q", "t");
        assertThat(chains.get("r").types()).containsExactly("auth", "acl", "limit", "transform");
    }

    @Test
    void withinAPhaseGlobalFiltersComeFirstThenConfigOrder() {
        var chains = build(List.of(entry("headers", "g1", 1), entry("auth", "g2", 2)),
                route("r", entry("log", "r1", 10), entry("transform", "r2", 11), entry("auth", "r3", 12)));
        assertThat(names(chains.get("r"))).containsExactly("g2", "r3", "g1", "r1", "r2");
    }

    @Test
    void globalFiltersAreCreatedOnceWithoutRouteAndShared() {
        var chains = build(List.of(entry("log", "g", 1)), route("a", entry("auth", "x", 5)), route("b"));
        assertThat(chains.get("a").get(1).filter()).isSameAs(chains.get("b").get(0).filter());
        assertThat(contexts).containsExactly(new FilterContextSeen("log", null, "g"),
                new FilterContextSeen("auth", "a", "x"));
        assertThat(chains.get("a").get(0).location()).isEqualTo("test.yaml:5");
    }

    @Test
    void routesWithoutAnyFilterGetNoChain() {
        var chains = build(List.of(), route("plain"), route("filtered", entry("log", "l", 3)));
        assertThat(chains).containsOnlyKeys("filtered");
        assertThat(build(List.of(), route("plain"))).isEmpty();
    }

    @Test
    void beforeAndAfterReorderStablyWithinThePhase() {
        var chains = build(List.of(), route("r",
                entry("transform", "t", 1),
                entry("headers", "h", 2),
                entry("log", "l", 3, OnError.FAIL_CLOSED, List.of("transform"), List.of())));
        assertThat(names(chains.get("r"))).containsExactly("l", "t", "h");

        chains = build(List.of(), route("r",
                entry("transform", "t", 1, OnError.FAIL_CLOSED, List.of(), List.of("log")),
                entry("headers", "h", 2),
                entry("log", "l", 3)));
        // t must follow l: l is pulled in ahead of t
        assertThat(names(chains.get("r"))).containsExactly("l", "t", "h");
    }

    @Test
    void aConstraintMovesAGlobalFilterAfterARouteFilter() {
        var chains = build(List.of(entry("log", "g", 1, OnError.FAIL_CLOSED, List.of(), List.of("headers"))),
                route("r", entry("headers", "h", 7)));
        assertThat(names(chains.get("r"))).containsExactly("h", "g");
    }

    @Test
    void aConstraintNamingATypeNotInTheChainIsIgnored() {
        var chains = build(List.of(), route("r",
                entry("transform", "t", 1),
                entry("log", "l", 2, OnError.FAIL_CLOSED, List.of("headers", "no-such-type"), List.of())));
        assertThat(names(chains.get("r"))).containsExactly("t", "l");
    }

    @Test
    void aCycleIsAnErrorNamingTheEntries() {
        assertThatThrownBy(() -> build(List.of(), route("r",
                entry("transform", "t", 4, OnError.FAIL_CLOSED, List.of("log"), List.of()),
                entry("log", "l", 5, OnError.FAIL_CLOSED, List.of("transform"), List.of()))))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("test.yaml:4")
                .hasMessageContaining("cycle")
                .hasMessageContaining("'transform' (test.yaml:4)")
                .hasMessageContaining("'log' (test.yaml:5)");
    }

    @Test
    void aConstraintNamingAnotherPhaseIsAnError() {
        assertThatThrownBy(() -> build(List.of(), route("r",
                entry("auth", "a", 2),
                entry("transform", "t", 3, OnError.FAIL_CLOSED, List.of("auth"), List.of()))))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("test.yaml:3: filter 'transform' (phase transform) cannot run before 'auth',"
                        + " which runs in phase authenticate");
        // also when that type is not in this chain but is known to run elsewhere
        assertThatThrownBy(() -> build(List.of(), route("r",
                entry("transform", "t", 3, OnError.FAIL_CLOSED, List.of(), List.of("limit")))))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("test.yaml:3")
                .hasMessageContaining("after 'limit', which runs in phase quota");
    }

    @Test
    void unknownTypesUnboundConfigsAndRefusedConfigsAreErrorsWithTheirLocation() {
        FilterFactory<TestFilters.Cfg> picky = TestFilters.factory("picky", Phase.TRANSFORM, (cfg, ctx) -> {
            throw new IllegalArgumentException("name must be 'ok', got '" + cfg.name() + "'");
        });
        var builder = new ChainBuilder(TestFilters.lookup(picky), 1024);
        FilterConfig unbound = new FilterConfig("picky", Map.of(), "test.yaml", 9);
        assertThatThrownBy(() -> builder.build(List.of(),
                List.of(route("r", entry("nope", "x", 7), unbound, entry("picky", "bad", 11)))))
                .isInstanceOfSatisfying(ChainException.class, e -> assertThat(e.errors()).containsExactly(
                        "test.yaml:7: unknown filter type 'nope'",
                        "test.yaml:9: filter 'picky' has no bound configuration"
                                + " (the configuration was loaded without the filter types)",
                        "test.yaml:11: filter 'picky': name must be 'ok', got 'bad'"));
    }

    @Test
    void theContextCarriesLoggerNameAndBodyLimit() {
        List<io.portico.api.FilterContext> seen = new ArrayList<>();
        var f = TestFilters.factory("ctx", Phase.TRANSFORM, (cfg, ctx) -> {
            seen.add(ctx);
            return new Named("c");
        });
        new ChainBuilder(TestFilters.lookup(f), 4096).build(List.of(), List.of(route("r", entry("ctx", "c", 1))));
        assertThat(seen).singleElement().satisfies(ctx -> {
            assertThat(ctx.logger().getName()).isEqualTo("portico.filter.ctx");
            assertThat(ctx.maxBodySize()).isEqualTo(4096);
            assertThat(ctx.routeId()).isEqualTo("r");
            assertThat(ctx.clock().getZone()).isEqualTo(java.time.ZoneOffset.UTC);
            ctx.metrics().increment("hits");
            assertThat(((InMemoryMetrics) ctx.metrics()).counter("hits")).isEqualTo(1);
            assertThatThrownBy(() -> ctx.metrics().increment("Bad-Name")).isInstanceOf(IllegalArgumentException.class);
        });
    }
}
