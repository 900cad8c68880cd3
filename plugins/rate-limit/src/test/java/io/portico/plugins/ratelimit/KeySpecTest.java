package io.portico.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Consumer;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySpecTest {

    private static FakeExchange exchange() {
        return FakeExchange.get("/x").clientIp("203.0.113.7");
    }

    @Test
    void consumerKeyUsesTheIdAndFallsBackToTheClientIp() {
        KeySpec spec = KeySpec.parse("consumer");
        FakeExchange ex = exchange();
        assertThat(spec.derive(ex)).isEqualTo("ip=203.0.113.7");
        ex.consumer(new Consumer("mobile-app", Set.of(), Map.of()));
        assertThat(spec.derive(ex)).isEqualTo("consumer=mobile-app");
    }

    @Test
    void ipAndRoute() {
        assertThat(KeySpec.parse("ip").derive(exchange())).isEqualTo("ip=203.0.113.7");
        assertThat(KeySpec.parse("route").derive(exchange())).isEqualTo("route=route-1");
    }

    @Test
    void headerValueOrOneSharedBucketWhenAbsent() {
        KeySpec spec = KeySpec.parse("header:X-Tenant");
        FakeExchange with = new FakeExchange(new FakeRequest("GET", "/x").headers(FakeHeaders.of("X-Tenant", "acme")));
        assertThat(spec.derive(with)).isEqualTo("header:X-Tenant=acme");
        assertThat(spec.derive(exchange())).isEqualTo("header:X-Tenant!").isEqualTo(spec.derive(exchange().clientIp("198.51.100.1")));
    }

    @Test
    void claimAsText() {
        KeySpec spec = KeySpec.parse("claim:org");
        FakeExchange ex = exchange();
        assertThat(spec.derive(ex)).isEqualTo("claim:org!");
        ex.consumer(new Consumer("u1", Set.of(), Map.of("org", 42L)));
        assertThat(spec.derive(ex)).isEqualTo("claim:org=42");
    }

    @Test
    void listCombinesPartsAndEncodesValuesSoTheyCannotCollide() {
        KeySpec spec = KeySpec.parse(List.of("ip", "header:X-A"));
        FakeExchange a = new FakeExchange(new FakeRequest("GET", "/").headers(FakeHeaders.of("X-A", "x|ip=1")));
        assertThat(spec.derive(a)).isEqualTo("ip=203.0.113.7|header:X-A=x%7Cip%3D1");
    }
}
