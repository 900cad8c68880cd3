package io.portico.plugins.acl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimMatchTest {

    @Test
    void stringsCompareExactly() {
        assertThat(ClaimMatch.matches("gold", "gold")).isTrue();
        assertThat(ClaimMatch.matches("Gold", "gold")).isFalse();
        assertThat(ClaimMatch.matches("gold ", "gold")).isFalse();
    }

    @Test
    void numbersCompareByValue() {
        assertThat(ClaimMatch.matches(3, "3")).isTrue();
        assertThat(ClaimMatch.matches(3L, "3.0")).isTrue();
        assertThat(ClaimMatch.matches(2.5, "2.50")).isTrue();
        assertThat(ClaimMatch.matches(new java.math.BigInteger("12345678901234567890"), "12345678901234567890")).isTrue();
        assertThat(ClaimMatch.matches(3, "4")).isFalse();
        assertThat(ClaimMatch.matches(3, "three")).isFalse();
    }

    @Test
    void booleansCompareAsTrueOrFalse() {
        assertThat(ClaimMatch.matches(true, "true")).isTrue();
        assertThat(ClaimMatch.matches(false, "false")).isTrue();
        assertThat(ClaimMatch.matches(true, "false")).isFalse();
        assertThat(ClaimMatch.matches(true, "yes")).isFalse();
        assertThat(ClaimMatch.matches("true", "true")).isTrue(); // a string claim is text too
    }

    @Test
    void anArrayMatchesWhenOneElementDoes() {
        assertThat(ClaimMatch.matches(List.of("eu", "us"), "us")).isTrue();
        assertThat(ClaimMatch.matches(List.of(1, 2, 3), "2")).isTrue();
        assertThat(ClaimMatch.matches(List.of(false, true), "true")).isTrue();
        assertThat(ClaimMatch.matches(List.of("eu", "us"), "asia")).isFalse();
        assertThat(ClaimMatch.matches(List.of(), "asia")).isFalse();
        assertThat(ClaimMatch.matches(List.of(List.of("x")), "x")).isFalse();
    }

    @Test
    void absentAndObjectClaimsNeverMatch() {
        assertThat(ClaimMatch.matches(null, "x")).isFalse();
        assertThat(ClaimMatch.matches(null, "null")).isFalse();
        assertThat(ClaimMatch.matches(Map.of("a", "x"), "x")).isFalse();
        assertThat(ClaimMatch.matches(Map.of("a", "x"), "{a=x}")).isFalse();
    }
}
