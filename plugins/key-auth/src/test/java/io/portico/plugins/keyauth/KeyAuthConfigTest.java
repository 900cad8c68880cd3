package io.portico.plugins.keyauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyAuthConfigTest {

    @Test
    void acceptsAHeaderAndAQueryParameter() {
        KeyAuthConfig c = new KeyAuthConfig("X-Key", Optional.of("api_key"), true);
        assertThat(c.header()).isEqualTo("X-Key");
        assertThat(c.query()).contains("api_key");
        assertThat(c.forward()).isTrue();
    }

    @Test
    void anAbsentQueryIsEmpty() {
        assertThat(new KeyAuthConfig("X-Api-Key", null, false).query()).isEmpty();
    }

    @Test
    void refusesAHeaderThatIsNotAToken() {
        assertThatThrownBy(() -> new KeyAuthConfig("X Api Key", Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header: ");
        assertThatThrownBy(() -> new KeyAuthConfig("", Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header: ");
        assertThatThrownBy(() -> new KeyAuthConfig(null, Optional.empty(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header: ");
    }

    @Test
    void refusesABlankQueryName() {
        assertThatThrownBy(() -> new KeyAuthConfig("X-Api-Key", Optional.of(" "), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("query: ");
    }
}
