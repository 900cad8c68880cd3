package io.portico.core.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CookiesTest {

    @Test
    void findsTheFirstCookieOfThatName() {
        assertThat(Cookies.first("a=1; sid=abc; sid=def", "sid")).isEqualTo("abc");
        assertThat(Cookies.first("sid=abc", "sid")).isEqualTo("abc");
        assertThat(Cookies.first("  sid = abc ;x=1", "sid")).isEqualTo("abc");
        assertThat(Cookies.first("a=1;sid=", "sid")).isEmpty();
        assertThat(Cookies.first("sid=\"q v\"", "sid")).isEqualTo("q v");
        assertThat(Cookies.first("sid=a=b", "sid")).isEqualTo("a=b");
    }

    @Test
    void namesMatchExactly() {
        assertThat(Cookies.first("SID=1", "sid")).isNull();
        assertThat(Cookies.first("xsid=1; sidx=2", "sid")).isNull();
        assertThat(Cookies.first("sid; a=1", "sid")).isNull();
        assertThat(Cookies.first("", "sid")).isNull();
        assertThat(Cookies.first(";;", "sid")).isNull();
    }
}
