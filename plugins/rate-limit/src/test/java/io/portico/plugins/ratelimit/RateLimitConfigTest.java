package io.portico.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {

    @Test
    void defaultsAreConsumerLocalAllowAndGreedy() {
        RateLimitConfig c = new RateLimitConfig(null, List.of(new LimitConfig(10, "1s", null)), null, null);
        assertThat(c.key()).isEqualTo("consumer");
        assertThat(c.backend()).isEqualTo(Backend.LOCAL);
        assertThat(c.onBackendError()).isEqualTo(OnBackendError.ALLOW);
        assertThat(c.limits().get(0).refill()).isEqualTo(Refill.GREEDY);
    }

    @Test
    void periodsIncludeDaysForQuotas() {
        assertThat(new LimitConfig(1, "500ms").period()).isEqualTo(Duration.ofMillis(500));
        assertThat(new LimitConfig(1, "1h").period()).isEqualTo(Duration.ofHours(1));
        assertThat(new LimitConfig(1, "30d").period()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> new LimitConfig(0, "1s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("capacity:");
        assertThatThrownBy(() -> new LimitConfig(5, "1w")).hasMessageStartingWith("per:").hasMessageContaining("'1w'");
        assertThatThrownBy(() -> new LimitConfig(5, "0s")).hasMessageStartingWith("per:");
        assertThatThrownBy(() -> new LimitConfig(5, null, Refill.GREEDY)).hasMessageStartingWith("per:");
        assertThatThrownBy(() -> new RateLimitConfig("ip", List.of(), Backend.LOCAL, OnBackendError.ALLOW))
                .hasMessageStartingWith("limits:");
        assertThatThrownBy(() -> new RateLimitConfig("user", List.of(new LimitConfig(1, "1s")), null, null))
                .hasMessageStartingWith("key:").hasMessageContaining("'user'");
        assertThatThrownBy(() -> new RateLimitConfig("header:", List.of(new LimitConfig(1, "1s")), null, null))
                .hasMessageStartingWith("key:");
        assertThatThrownBy(() -> new RateLimitConfig(List.of(), List.of(new LimitConfig(1, "1s")), null, null))
                .hasMessageStartingWith("key:");
    }

    @Test
    void keyListParses() {
        KeySpec spec = new RateLimitConfig(List.of("consumer", "header:X-Tenant", "claim:org"),
                List.of(new LimitConfig(1, "1s")), null, null).keySpec();
        assertThat(spec.parts()).containsExactly(new KeySpec.ConsumerPart(), new KeySpec.HeaderPart("X-Tenant"),
                new KeySpec.ClaimPart("org"));
    }
}
