package io.portico.core.route;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryParamsTest {

    @Test
    void parsesDecodesAndKeepsFirstValue() {
        QueryParams q = QueryParams.parse("a=1&b=x+y&c&d=&a=2&e%3D=%26&&f=%zz&g=%C3%A9");
        assertThat(q.first("a")).isEqualTo("1");
        assertThat(q.first("b")).isEqualTo("x y");
        assertThat(q.first("c")).isEqualTo("");
        assertThat(q.first("d")).isEqualTo("");
        assertThat(q.first("e=")).isEqualTo("&");
        assertThat(q.first("f")).isEqualTo("%zz");
        assertThat(q.first("g")).isEqualTo("\u00e9");
        assertThat(q.first("missing")).isNull();
    }

    @Test
    void emptyAndNullQueries() {
        assertThat(QueryParams.parse(null)).isSameAs(QueryParams.EMPTY);
        assertThat(QueryParams.parse("")).isSameAs(QueryParams.EMPTY);
        assertThat(QueryParams.parse("&&").first("")).isNull();
        assertThat(QueryParams.parse("=v").first("")).isEqualTo("v");
    }

    @Test
    void percentCodecEdgeCases() {
        assertThat(PercentCodec.decode("abc", false)).isEqualTo("abc");
        String same = "plain";
        assertThat(PercentCodec.decode(same, true)).isSameAs(same);
        assertThat(PercentCodec.decode("a%", false)).isEqualTo("a%");
        assertThat(PercentCodec.decode("a%4", false)).isEqualTo("a%4");
        assertThat(PercentCodec.decode("%41%42", false)).isEqualTo("AB");
        assertThat(PercentCodec.decode("a+b%2B", true)).isEqualTo("a b+");
        assertThat(PercentCodec.decode("a+b", false)).isEqualTo("a+b");
        assertThat(PercentCodec.decode("\u00e9%20\ud83d\ude00", false)).isEqualTo("\u00e9 \ud83d\ude00");
        assertThat(PercentCodec.decode("%E2%82", false)).isEqualTo("\ufffd");
        assertThat(PercentCodec.decode("x%41yz", 1, 5, false)).isEqualTo("Ay");
    }
}
