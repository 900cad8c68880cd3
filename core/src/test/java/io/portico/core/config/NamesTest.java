package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void ids() {
        assertThat(Names.isId("orders")).isTrue();
        assertThat(Names.isId("v1.orders_x-2")).isTrue();
        assertThat(Names.isId("9lives")).isTrue();
        assertThat(Names.isId("-x")).isFalse();
        assertThat(Names.isId("")).isFalse();
        assertThat(Names.isId("a b")).isFalse();
    }

    @Test
    void tokens() {
        assertThat(Names.isToken("GET")).isTrue();
        assertThat(Names.isToken("X-Api-Version")).isTrue();
        assertThat(Names.isToken("A B")).isFalse();
        assertThat(Names.isToken("a:b")).isFalse();
        assertThat(Names.isToken("")).isFalse();
    }

    @Test
    void hosts() {
        assertThat(Names.isHostPattern("api.example.com")).isTrue();
        assertThat(Names.isHostPattern("*.example.com")).isTrue();
        assertThat(Names.isHostPattern("*")).isFalse();
        assertThat(Names.isHostPattern("a.*.com")).isFalse();
        assertThat(Names.isHostPattern("api.example.com:80")).isFalse();
        assertThat(Names.isHostPattern("-bad.com")).isFalse();
        assertThat(Names.isBindHost("0.0.0.0")).isTrue();
        assertThat(Names.isBindHost("::")).isTrue();
        assertThat(Names.isBindHost("gateway-1")).isTrue();
        assertThat(Names.isBindHost("300.1.1.1")).isFalse();
        assertThat(Names.isBindHost("[::1]")).isFalse();
    }

    @Test
    void loopback() {
        assertThat(Names.isLoopback("127.0.0.1")).isTrue();
        assertThat(Names.isLoopback("127.9.9.9")).isTrue();
        assertThat(Names.isLoopback("::1")).isTrue();
        assertThat(Names.isLoopback("LOCALHOST")).isTrue();
        assertThat(Names.isLoopback("0.0.0.0")).isFalse();
        assertThat(Names.isLoopback("::")).isFalse();
        assertThat(Names.isLoopback("10.0.0.1")).isFalse();
        assertThat(Names.isLoopback("localhost.example.com")).isFalse();
    }
}
