package io.portico.core.config;

import io.portico.api.ByteSize;
import io.portico.api.ConfigDefault;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Binding filter entries to config records: every supported type, defaults, and precise errors. */
class FilterBinderTest {

    enum Mode { FAIL_FAST, KEEP_GOING }

    record Limits(int capacity, @ConfigDefault("1s") Duration per) {
        Limits {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
            }
        }
    }

    record Sample(String name,
                  @ConfigDefault("") String prefix,
                  @ConfigDefault("[GET, HEAD]") List<String> methods,
                  Set<String> tags,
                  Map<String, String> headers,
                  Map<String, Object> body,
                  Optional<Duration> maxAge,
                  @ConfigDefault("false") boolean credentials,
                  @ConfigDefault("10MB") ByteSize maxBodySize,
                  @ConfigDefault("keep-going") Mode mode,
                  @ConfigDefault("7") long big,
                  @ConfigDefault("0.5") double ratio,
                  List<Limits> limits) {
    }

    private static final FilterTypes TYPES = t -> t.equals("sample") ? Sample.class : null;

    private static GatewayConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(TYPES, n -> n.equals("SECRET_NAME") ? "from-env" : null)
                .parse(yaml, "portico.yaml", Path.of("."));
    }

    private static List<ConfigError> errors(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> load(yaml)).errors();
    }

    @Test
    void bindsEveryKindOfComponentFromKebabCaseKeys() throws Exception {
        GatewayConfig c = load("""
                filters:
                  - type: sample
                    name: ${SECRET_NAME}
                    tags: [ a, b, a ]
                    headers: { X-One: "1", X-Two: two }
                    body: { n: 1, list: [ true, x ], nested: { k: v } }
                    max-age: 10m
                    credentials: true
                    max-body-size: 64KB
                    mode: fail-fast
                    big: 5000000000
                    ratio: 0.25
                    limits: [ { capacity: 5 }, { capacity: 100, per: 1m } ]
                    on-error: fail-open
                    before: [ transform ]
                """);
        FilterConfig f = c.filters().get(0);
        assertThat(f.onError()).isEqualTo(FilterConfig.OnError.FAIL_OPEN);
        assertThat(f.before()).containsExactly("transform");
        Sample s = (Sample) f.config();
        assertThat(s.name()).isEqualTo("from-env");
        assertThat(s.methods()).containsExactly("GET", "HEAD");          // default
        assertThat(s.tags()).containsExactly("a", "b");
        assertThat(s.headers()).containsExactly(Map.entry("X-One", "1"), Map.entry("X-Two", "two"));
        assertThat(s.body()).containsEntry("n", 1L).containsEntry("list", List.of(true, "x"))
                .containsEntry("nested", Map.of("k", "v"));
        assertThat(s.maxAge()).contains(Duration.ofMinutes(10));
        assertThat(s.credentials()).isTrue();
        assertThat(s.maxBodySize()).isEqualTo(new ByteSize(64 * 1024));
        assertThat(s.mode()).isEqualTo(Mode.FAIL_FAST);
        assertThat(s.big()).isEqualTo(5_000_000_000L);
        assertThat(s.ratio()).isEqualTo(0.25);
        assertThat(s.limits()).containsExactly(new Limits(5, Duration.ofSeconds(1)), new Limits(100, Duration.ofMinutes(1)));
    }

    @Test
    void absentKeysTakeDefaultsOrEmptyValues() throws Exception {
        Sample s = (Sample) load("filters: [ { type: sample, name: n } ]").filters().get(0).config();
        assertThat(s.prefix()).isEmpty();
        assertThat(s.tags()).isEmpty();
        assertThat(s.headers()).isEmpty();
        assertThat(s.maxAge()).isEmpty();
        assertThat(s.credentials()).isFalse();
        assertThat(s.maxBodySize().bytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(s.mode()).isEqualTo(Mode.KEEP_GOING);
        assertThat(s.limits()).isEmpty();
    }

    @Test
    void aLoneScalarStandsForAListOfOneButAMappingDoesNot() throws Exception {
        Sample s = (Sample) load("filters: [ { type: sample, name: n, methods: POST, tags: solo } ]").filters().get(0).config();
        assertThat(s.methods()).containsExactly("POST");
        assertThat(s.tags()).containsExactly("solo");
        assertThat(errors("filters: [ { type: sample, name: n, methods: { a: b } } ]")).extracting(ConfigError::message)
                .anySatisfy(m -> assertThat(m).contains("expected a list, got a mapping"));
    }

    @Test
    void errorsNameTheFileLineAndKey() {
        List<ConfigError> e = errors("""
                routes:
                  - id: r
                    match: { path: /** }
                    upstream: u
                    filters:
                      - type: sample
                        bogus: 1
                        credentials: maybe
                        mode: sideways
                        limits: [ { capacity: 0 }, { capacity: x } ]
                        on-error: explode
                upstreams:
                  u: { targets: [ "http://127.0.0.1:1" ] }
                """);
        assertThat(e).extracting(ConfigError::toString).containsExactlyInAnyOrder(
                "portico.yaml:6: routes[0].filters[0].name: missing required key",
                "portico.yaml:7: routes[0].filters[0].bogus: unknown key; expected one of: type, on-error, before, after, "
                        + "name, prefix, methods, tags, headers, body, max-age, credentials, max-body-size, mode, big, ratio, limits",
                "portico.yaml:8: routes[0].filters[0].credentials: expected true or false, got 'maybe'",
                "portico.yaml:9: routes[0].filters[0].mode: expected one of fail-fast, keep-going, got 'sideways'",
                "portico.yaml:10: routes[0].filters[0].limits[0]: capacity must be at least 1, got 0",
                "portico.yaml:10: routes[0].filters[0].limits[1].capacity: expected an integer >= -2147483648, got 'x'",
                "portico.yaml:11: routes[0].filters[0].on-error: expected fail-closed or fail-open, got 'explode'");
    }

    @Test
    void anUnknownTypeIsAnErrorAndNothingIsBound() {
        assertThat(errors("filters: [ { type: nope, x: 1 } ]")).extracting(ConfigError::message)
                .containsExactly("unknown filter type 'nope'");
    }

    @Test
    void kebabCase() {
        assertThat(FilterBinder.kebab("maxAge")).isEqualTo("max-age");
        assertThat(FilterBinder.kebab("exposeHeaders")).isEqualTo("expose-headers");
        assertThat(FilterBinder.kebab("origins")).isEqualTo("origins");
    }
}
