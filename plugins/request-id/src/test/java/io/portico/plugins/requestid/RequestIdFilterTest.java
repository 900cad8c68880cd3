package io.portico.plugins.requestid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeResponse;
import org.junit.jupiter.api.Test;

class RequestIdFilterTest {
    private final RequestIdFilterFactory factory = new RequestIdFilterFactory();

    private GatewayFilter filter(String header, boolean echo) {
        return factory.create(new RequestIdConfig(header, echo), new FakeFilterContext("request-id"));
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("request-id");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHENTICATE);
        assertThat(factory.configType()).isEqualTo(RequestIdConfig.class);
    }

    @Test
    void customHeaderCarriesTheGatewayIdUpstreamReplacingTheClientsValue() {
        FakeExchange ex = FakeExchange.get("/a").requestId("abc123");
        ex.request().headers(FakeHeaders.of("X-Correlation-Id", "forged"));

        assertThat(filter("X-Correlation-Id", true).onRequest(ex)).isEqualTo(Decision.proceed());
        assertThat(ex.request().headers().all("x-correlation-id")).containsExactly("abc123");
    }

    @Test
    void defaultHeaderIsLeftToTheGatewayOnTheRequest() {
        FakeExchange ex = FakeExchange.get("/a").requestId("abc123");
        filter("X-Request-Id", true).onRequest(ex);
        assertThat(ex.request().headers().names()).isEmpty();
    }

    @Test
    void echoesOnTheResponse() {
        FakeExchange ex = FakeExchange.get("/a").requestId("abc123").response(new FakeResponse(200));
        ex.fakeResponse().headers().set("X-Correlation-Id", "upstream-value");
        GatewayFilter f = filter("X-Correlation-Id", true);
        f.onRequest(ex);
        f.onResponse(ex);
        assertThat(ex.fakeResponse().headers().all("X-Correlation-Id")).containsExactly("abc123");
    }

    @Test
    void noEchoWhenDisabled() {
        FakeExchange ex = FakeExchange.get("/a").response(new FakeResponse(200));
        filter("X-Request-Id", false).onResponse(ex);
        assertThat(ex.fakeResponse().headers().contains("X-Request-Id")).isFalse();
    }

    @Test
    void rejectsInvalidHeaderNames() {
        assertThatThrownBy(() -> new RequestIdConfig("", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header");
        assertThatThrownBy(() -> new RequestIdConfig("X Id", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestIdConfig("X-Id:", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestIdConfig(null, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
