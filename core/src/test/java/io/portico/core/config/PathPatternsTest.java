package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "/a/b", "/**", "/a/**", "/a/{id}", "/a/{id}/b/{other_1}/**", "/a/%20b",
            "/v1.2/x-y_z~/a:b@c", "/{_x}"})
    void validPatterns(String pattern) {
        assertThat(PathPatterns.check(pattern).valid()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "/a?", "/a#", "//", "/a/", "/./a", "/a/..", "/**/a", "/*", "/a*", "/{}",
            "/{9}", "/{a-b}", "/{a}/{a}", "/a{b}", "/{a}b", "/a}", "/a b", "/a%2", "/é"})
    void invalidPatterns(String pattern) {
        assertThat(PathPatterns.check(pattern).valid()).isFalse();
    }

    @Test
    void paramsAreListedInOrder() {
        assertThat(PathPatterns.params("/a/{id}/b/{other_1}/**")).containsExactly("id", "other_1");
        assertThat(PathPatterns.params("/a/**")).isEmpty();
        assertThat(PathPatterns.params("/")).isEmpty();
    }

    @Test
    void literalPrefixes() {
        assertThat(PathPatterns.check("/api/orders/**").literals()).containsExactly("api", "orders");
        assertThat(PathPatterns.check("/api/{id}/x").literals()).containsExactly("api");
        assertThat(PathPatterns.check("/{id}").literals()).isEmpty();
        List<String> lits = List.of("api", "orders");
        assertThat(PathPatterns.isLiteralPrefix("/api", lits)).isTrue();
        assertThat(PathPatterns.isLiteralPrefix("/api/orders", lits)).isTrue();
        assertThat(PathPatterns.isLiteralPrefix("/ap", lits)).isFalse();
        assertThat(PathPatterns.isLiteralPrefix("/api/", lits)).isFalse();
        assertThat(PathPatterns.isLiteralPrefix("/api/orders/x", lits)).isFalse();
        assertThat(PathPatterns.isLiteralPrefix("/", lits)).isFalse();
        assertThat(PathPatterns.isLiteralPrefix("api", lits)).isFalse();
    }
}
