package io.portico.core.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PathPatternTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // exact
            "/a/b        | /a/b       | true",
            "/a/b        | /a/b/      | false",
            "/a/b        | /a         | false",
            "/a/b        | /a/b/c     | false",
            "/a/b        | /a/B       | false",
            "/a/b        | /a/bc      | false",
            "/a/b        | /ab        | false",
            "/a/         | /a/        | true",
            "/a/         | /a         | false",
            "/           | /          | true",
            "/           | /a         | false",
            // parameters: exactly one non-empty segment
            "/a/{id}     | /a/1       | true",
            "/a/{id}     | /a/        | false",
            "/a/{id}     | /a         | false",
            "/a/{id}     | /a/1/      | false",
            "/a/{id}     | /a/1/2     | false",
            "/{x}/{y}    | /p/q       | true",
            "/{x}        | /          | false",
            "/a/{id}/c   | /a/1/c     | true",
            "/a/{id}/c   | /a/1/d     | false",
            // catch-all: zero or more segments
            "/api/**     | /api       | true",
            "/api/**     | /api/      | true",
            "/api/**     | /api/x     | true",
            "/api/**     | /api/x/y/  | true",
            "/api/**     | /apix      | false",
            "/api/**     | /ap        | false",
            "/api/**     | /          | false",
            "/**         | /          | true",
            "/**         | /anything/at/all | true",
            "/a/{id}/**  | /a/1       | true",
            "/a/{id}/**  | /a/1/x/y   | true",
            "/a/{id}/**  | /a         | false",
            "/a/{id}/**  | /a/        | false",
            // encoded slash is inside a segment
            "/files/{name} | /files/a%2Fb | true",
            "/files/a/b    | /files/a%2Fb | false",
            "/files/a%2Fb  | /files/a%2Fb | true",
            "/files/a%2fb  | /files/a%2Fb | true",
            "/%61pi        | /api        | true",
    })
    void matches(String pattern, String path, boolean expected) {
        PathPattern p = PathPattern.compile(pattern);
        assertThat(p.matches(path)).isEqualTo(expected);
        assertThat(p.match(path) != null).isEqualTo(expected);
    }

    @Test
    void capturesRawParameterValues() {
        PathPattern p = PathPattern.compile("/users/{userId}/files/{name}");
        PathParams params = p.match("/users/u%201/files/a%2Fb%C3%A9");

        assertThat(params.get("userId")).isEqualTo("u%201");
        assertThat(params.get("name")).isEqualTo("a%2Fb%C3%A9");
        assertThat(params.decoded("userId")).isEqualTo("u 1");
        assertThat(params.decoded("name")).isEqualTo("a/b\u00e9");
        assertThat(params.get("missing")).isNull();
        assertThat(params.decoded("missing")).isNull();
        assertThat(params.asMap()).containsExactly(
                Map.entry("userId", "u%201"), Map.entry("name", "a%2Fb%C3%A9"));
        assertThat(params.names()).containsExactly("userId", "name");
        assertThat(params.size()).isEqualTo(2);
    }

    @Test
    void decodedKeepsPlusAndReplacesInvalidUtf8() {
        PathParams params = PathPattern.compile("/{a}/{b}").match("/x+y/%FF");
        assertThat(params.decoded("a")).isEqualTo("x+y");
        assertThat(params.decoded("b")).isEqualTo("\ufffd");
    }

    @Test
    void catchAllCapturesParamsBeforeIt() {
        PathParams params = PathPattern.compile("/t/{tenant}/**").match("/t/acme/x/y");
        assertThat(params.asMap()).containsExactly(Map.entry("tenant", "acme"));
    }

    @Test
    void patternWithoutParamsGivesEmptyParams() {
        assertThat(PathPattern.compile("/a/**").match("/a/b")).isSameAs(PathParams.EMPTY);
        assertThat(PathPattern.compile("/a").match("/a")).isSameAs(PathParams.EMPTY);
        assertThat(PathParams.EMPTY.isEmpty()).isTrue();
        assertThat(PathParams.EMPTY.asMap()).isEmpty();
    }

    @Test
    void matchReturnsNullOnMiss() {
        assertThat(PathPattern.compile("/a/{id}").match("/b/1")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/a/b          | EXACT         | 2 | 2 | ''",
            "/             | EXACT         | 1 | 1 | ''",
            "/a/{id}       | PARAMETERIZED | 1 | 2 | id",
            "/{a}/x/{b}    | PARAMETERIZED | 1 | 3 | a;b",
            "/api/**       | CATCH_ALL     | 1 | 1 | ''",
            "/**           | CATCH_ALL     | 0 | 0 | ''",
            "/t/{tenant}/** | CATCH_ALL    | 1 | 2 | tenant",
    })
    void describesItself(String pattern, PathPattern.Kind kind, int literals, int segments, String names) {
        PathPattern p = PathPattern.compile(pattern);
        assertThat(p.pattern()).isEqualTo(pattern);
        assertThat(p.toString()).isEqualTo(pattern);
        assertThat(p.kind()).isEqualTo(kind);
        assertThat(p.literalSegments()).isEqualTo(literals);
        assertThat(p.segmentCount()).isEqualTo(segments);
        assertThat(p.paramNames()).isEqualTo(names.isEmpty() ? List.of() : List.of(names.split(";")));
    }

    @Test
    void firstLiteralFeedsTheIndex() {
        assertThat(PathPattern.compile("/api/x").firstLiteral()).isEqualTo("api");
        assertThat(PathPattern.compile("/%61pi/**").firstLiteral()).isEqualTo("api");
        assertThat(PathPattern.compile("/").firstLiteral()).isEqualTo("");
        assertThat(PathPattern.compile("/{id}").firstLiteral()).isNull();
        assertThat(PathPattern.compile("/**").firstLiteral()).isNull();
    }

    @Test
    void specificityOrdersExactThenParamThenCatchAllThenLiteralsThenLength() {
        List<String> declared = List.of(
                "/**", "/api/**", "/api/{v}/**", "/api/v1/**", "/api/{id}", "/{a}/{b}",
                "/api/{id}/x", "/api/orders", "/api/orders/{id}", "/api/orders/list");
        List<PathPattern> patterns = new ArrayList<>(declared.stream().map(PathPattern::compile).toList());
        patterns.sort(PathPattern.SPECIFICITY);
        assertThat(patterns).extracting(PathPattern::pattern).containsExactly(
                "/api/orders/list",   // exact, 3 literals
                "/api/orders",        // exact, 2 literals
                "/api/{id}/x",        // param, 2 literals, 3 segments
                "/api/orders/{id}",   // param, 2 literals, 3 segments (declared later)
                "/api/{id}",          // param, 1 literal
                "/{a}/{b}",           // param, 0 literals
                "/api/v1/**",         // catch-all, 2 literals
                "/api/{v}/**",        // catch-all, 1 literal, 2 segments
                "/api/**",            // catch-all, 1 literal, 1 segment
                "/**");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "a/b", "//a", "/a//b", "/a/**/b", "/**/a", "/a/*", "/a*", "/a/**x", "/a**", "/a//**",
            "/a/{}", "/a/{id", "/a/id}", "/a/x{id}", "/a/{id}x", "/{1x}", "/{a b}", "/{a.b}",
            "/{id}/{id}", "/a/./b", "/a/../b", "/a/.", "/%2e", "/a/%2E%2E", "/a b", "/a%2", "/a%00", "/a#b",
    })
    void rejectsInvalidPatterns(String pattern) {
        assertThatThrownBy(() -> PathPattern.compile(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid path pattern '" + pattern + "': ");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> PathPattern.compile(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid path pattern 'null': must start with '/'");
    }

    @Test
    void equalityIsByPatternText() {
        assertThat(PathPattern.compile("/a/{id}")).isEqualTo(PathPattern.compile("/a/{id}"))
                .hasSameHashCodeAs(PathPattern.compile("/a/{id}"))
                .isNotEqualTo(PathPattern.compile("/a/{x}"));
    }

    @Test
    void missDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        PathPattern p = PathPattern.compile("/api/{version}/orders/{id}");
        String[] paths = {"/api/v1/users/1", "/api/v1/orders", "/other", "/api/v1/orders/1/x"};
        int hits = 0;
        for (int i = 0; i < 20_000; i++) {
            hits += p.match(paths[i & 3]) == null ? 0 : 1;
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            hits += p.match(paths[i & 3]) == null ? 0 : 1;
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(hits).isZero();
        assertThat(allocated).as("bytes allocated by 100k misses").isLessThan(10_000);
    }
}
