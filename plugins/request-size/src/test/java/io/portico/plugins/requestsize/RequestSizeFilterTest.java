package io.portico.plugins.requestsize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.ByteSize;
import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeBody;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeRequest;
import org.junit.jupiter.api.Test;

class RequestSizeFilterTest {
    private final RequestSizeFilterFactory factory = new RequestSizeFilterFactory();
    private final FakeFilterContext context = new FakeFilterContext("request-size", 1000);

    private GatewayFilter filter(long max) {
        return factory.create(new RequestSizeConfig(new ByteSize(max)), context);
    }

    private static FakeExchange post(FakeBody body) {
        return new FakeExchange(new FakeRequest("POST", "/upload").body(body));
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("request-size");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHORIZE);
        assertThat(factory.configType()).isEqualTo(RequestSizeConfig.class);
    }

    @Test
    void declaredLengthWithinTheLimitProceedsWithoutReading() {
        FakeBody body = FakeBody.of("x".repeat(10));
        assertThat(filter(10).onRequest(post(body))).isEqualTo(Decision.proceed());
        assertThat(body.reads()).isZero();
    }

    @Test
    void declaredLengthAboveTheLimitIs413WithoutReading() {
        FakeBody body = FakeBody.of("x".repeat(11));
        Decision d = filter(10).onRequest(post(body));
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.problem().slug()).isEqualTo("payload-too-large");
        assertThat(r.problem().detail()).contains("10 bytes");
        assertThat(body.reads()).isZero();
        assertThat(context.count("rejected")).isEqualTo(1);
    }

    @Test
    void noBodyProceeds() {
        assertThat(filter(0).onRequest(post(FakeBody.empty()))).isEqualTo(Decision.proceed());
        assertThat(filter(0).onRequest(post(FakeBody.of("")))).isEqualTo(Decision.proceed());
    }

    @Test
    void chunkedBodiesAreBufferedAndMeasuredWhenTheLimitIsBelowTheServers() {
        FakeBody small = FakeBody.of("x".repeat(10)).chunked();
        assertThat(filter(10).onRequest(post(small))).isEqualTo(Decision.proceed());
        assertThat(small.reads()).isEqualTo(1);

        FakeBody big = FakeBody.of("x".repeat(11)).chunked();
        assertThat(((Decision.Respond) filter(10).onRequest(post(big))).status()).isEqualTo(413);
    }

    @Test
    void chunkedBodiesOverTheServerLimitAre413() {
        FakeBody huge = FakeBody.of("x".repeat(2000)).chunked().limit(1000);
        assertThat(((Decision.Respond) filter(10).onRequest(post(huge))).status()).isEqualTo(413);
    }

    @Test
    void chunkedBodiesStreamWhenTheServerLimitIsTheTighterOne() {
        FakeBody body = FakeBody.of("x".repeat(500)).chunked();
        assertThat(filter(1000).onRequest(post(body))).isEqualTo(Decision.proceed());
        assertThat(filter(5000).onRequest(post(body))).isEqualTo(Decision.proceed());
        assertThat(body.reads()).isZero();
    }

    @Test
    void theLimitIsRequired() {
        assertThatThrownBy(() -> new RequestSizeConfig(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-body-size");
    }
}
