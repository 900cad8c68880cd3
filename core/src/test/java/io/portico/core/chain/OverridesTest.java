package io.portico.core.chain;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OverridesTest {

    static class ResponseOnly implements GatewayFilter {
        @Override
        public Decision onRequest(Exchange exchange) {
            return Decision.proceed();
        }

        @Override
        public void onResponse(Exchange exchange) {
        }
    }

    static class Inherits extends ResponseOnly {
        @Override
        public void onComplete(Exchange exchange) {
        }
    }

    @Test
    void seesWhichOptionalCallbacksAClassImplementsIncludingInheritedOnes() {
        GatewayFilter lambda = ex -> Decision.proceed();
        assertThat(Overrides.of(lambda)).isEqualTo(new Overrides(false, false));
        assertThat(Overrides.of(new ResponseOnly())).isEqualTo(new Overrides(true, false));
        assertThat(Overrides.of(new Inherits())).isEqualTo(new Overrides(true, true));
    }
}
