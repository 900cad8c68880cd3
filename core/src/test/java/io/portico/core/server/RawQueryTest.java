package io.portico.core.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RawQueryTest {

    @Test
    void findsTheFirstValueDecoded() {
        assertThat(RawQuery.first("a=1&tenant=acme&tenant=other", "tenant")).isEqualTo("acme");
        assertThat(RawQuery.first("tenant=a+b%20c%C3%A9", "tenant")).isEqualTo("a b cé");
        assertThat(RawQuery.first("t%65nant=x", "tenant")).isEqualTo("x");
        assertThat(RawQuery.first("tenant", "tenant")).isEmpty();
        assertThat(RawQuery.first("tenant=&x=1", "tenant")).isEmpty();
        assertThat(RawQuery.first("x=1&&tenant=2", "tenant")).isEqualTo("2");
        assertThat(RawQuery.first("tenant=a=b", "tenant")).isEqualTo("a=b");
    }

    @Test
    void malformedEscapesAreKeptAsSent() {
        assertThat(RawQuery.first("tenant=100%zz", "tenant")).isEqualTo("100%zz");
    }

    @Test
    void absent() {
        assertThat(RawQuery.first(null, "tenant")).isNull();
        assertThat(RawQuery.first("", "tenant")).isNull();
        assertThat(RawQuery.first("tenants=1&xtenant=2&=3", "tenant")).isNull();
    }
}
