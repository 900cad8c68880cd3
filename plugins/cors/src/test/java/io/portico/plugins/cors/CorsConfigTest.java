package io.portico.plugins.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CorsConfigTest {

    private static CorsConfig origins(String... origins) {
        return new CorsConfig(List.of(origins), List.of(), List.of(), List.of(), false, Optional.empty());
    }

    @Test
    void defaults() {
        CorsConfig c = origins("*");
        assertThat(c.methods()).containsExactly("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
        assertThat(c.headers()).isEmpty();
        assertThat(c.exposeHeaders()).isEmpty();
        assertThat(c.maxAge()).isEmpty();
        assertThat(c.anyOrigin()).isTrue();
    }

    @Test
    void originsAreCanonical() {
        assertThat(origins("HTTPS://App.Example.COM", "http://localhost:3000", "http://x.example:80",
                "https://[::1]:8443").origins())
                .containsExactly("https://app.example.com", "http://localhost:3000", "http://x.example",
                        "https://[::1]:8443");
    }

    @Test
    void originsMustBeSchemeHostPort() {
        assertThatThrownBy(() -> origins("https://app.example.com/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("origins[0]: expected scheme://host[:port]");
        assertThatThrownBy(() -> origins("*", "app.example.com")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("origins[1]:");
        assertThatThrownBy(() -> origins("https://u@app.example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> origins("https://app.example.com?x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(CorsConfigTest::origins).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    @Test
    void namesMustBeTokens() {
        assertThatThrownBy(() -> new CorsConfig(List.of("*"), List.of("GET POST"), List.of(), List.of(), false,
                Optional.empty())).hasMessageStartingWith("methods[0]:");
        assertThatThrownBy(() -> new CorsConfig(List.of("*"), List.of(), List.of("X-A", "X:B"), List.of(), false,
                Optional.empty())).hasMessageStartingWith("headers[1]:");
        assertThatThrownBy(() -> new CorsConfig(List.of("*"), List.of(), List.of(), List.of(""), false,
                Optional.empty())).hasMessageStartingWith("expose-headers[0]:");
    }

    @Test
    void methodsAreUpperCasedAndStarHeadersMeanReflect() {
        CorsConfig c = new CorsConfig(List.of("*"), List.of("get", "Post"), List.of("*"), List.of(), false,
                Optional.empty());
        assertThat(c.methods()).containsExactly("GET", "POST");
        assertThat(c.headers()).isEmpty();
    }

    @Test
    void maxAgeMustNotBeNegative() {
        assertThatThrownBy(() -> new CorsConfig(List.of("*"), List.of(), List.of(), List.of(), false,
                Optional.of(Duration.ofSeconds(-1)))).hasMessageStartingWith("max-age:");
    }
}
