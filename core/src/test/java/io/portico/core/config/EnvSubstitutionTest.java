package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
    private static final Map<String, String> ENV = Map.of("HOST", "10.0.0.1", "PORT", "9001", "EMPTY", "");

    private static EnvSubstitution.Result apply(String text) {
        return EnvSubstitution.apply(text, ENV::get);
    }

    @Test
    void textWithoutReferencesIsUnchanged() {
        assertThat(apply("plain $ text $5 {x}")).isEqualTo(new EnvSubstitution.Result("plain $ text $5 {x}", List.of(), List.of()));
    }

    @Test
    void variablesAndDefaults() {
        assertThat(apply("http://${HOST}:${PORT}")).isEqualTo(
                new EnvSubstitution.Result("http://10.0.0.1:9001", List.of("HOST", "PORT"), List.of()));
        assertThat(apply("${MISSING:fallback}").value()).isEqualTo("fallback");
        assertThat(apply("${MISSING:}").value()).isEmpty();
        assertThat(apply("${MISSING:a:b}").value()).isEqualTo("a:b");
        assertThat(apply("${EMPTY:default}").value()).as("set-but-empty is not unset").isEmpty();
        assertThat(apply("${MISSING:x}").vars()).containsExactly("MISSING");
    }

    @Test
    void dollarDollarBraceEscapes() {
        EnvSubstitution.Result r = apply("$${HOST} and ${HOST} and $$${PORT}");
        assertThat(r.value()).as("a lone '$' then an escaped '${'").isEqualTo("${HOST} and 10.0.0.1 and $${PORT}");
        assertThat(r.vars()).containsExactly("HOST");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void substitutedTextIsNotScannedAgain() {
        assertThat(EnvSubstitution.apply("${A}", Map.of("A", "${B}", "B", "no")::get).value()).isEqualTo("${B}");
    }

    @Test
    void errors() {
        assertThat(apply("${NOPE}").errors()).containsExactly(
                "environment variable NOPE is not set (write ${NOPE:default} to give a default)");
        assertThat(apply("${}").errors()).containsExactly(
                "expected a reference like ${NAME} or ${NAME:default}, got '${}'");
        assertThat(apply("${A-B}").errors()).hasSize(1);
        assertThat(apply("x ${HOST").errors()).containsExactly(
                "expected '}' to close the '${' reference (write $${ for a literal ${)");
        assertThat(apply("${A:${B}}").errors()).containsExactly(
                "a default cannot contain another reference, in ${A:...}");
    }
}
