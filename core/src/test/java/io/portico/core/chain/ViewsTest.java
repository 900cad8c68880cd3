package io.portico.core.chain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The header and query views filters change. */
class ViewsTest {

    @Test
    void queryDecodesLikeTheRouterAndKeepsUntouchedParametersAsReceived() {
        MutableQuery q = new MutableQuery("a=1&b=x+y%21&a=2&flag&c=%zz");
        assertThat(q.first("b")).contains("x y!");
        assertThat(q.all("a")).containsExactly("1", "2");
        assertThat(q.first("flag")).contains("");
        assertThat(q.first("c")).contains("%zz");
        assertThat(q.names()).containsExactly("a", "b", "flag", "c");
        assertThat(q.changed()).isFalse();
        assertThat(q.encoded()).isEqualTo("a=1&b=x+y%21&a=2&flag&c=%zz");

        q.set("a", "é & ü");
        q.add("new", "v/w");
        q.remove("flag");
        assertThat(q.encoded()).isEqualTo("a=%C3%A9%20%26%20%C3%BC&b=x+y%21&c=%zz&new=v%2Fw");
    }

    @Test
    void removingEveryParameterLeavesNoQuery() {
        MutableQuery q = new MutableQuery("a=1");
        q.remove("a");
        assertThat(q.encoded()).isNull();
        assertThat(new MutableQuery(null).encoded()).isNull();
    }

    @Test
    void headersAreCaseInsensitiveOrderedAndRefuseInjection() {
        MutableHeaders h = new MutableHeaders();
        h.addTrusted("Accept", "a");
        h.addTrusted("X-Multi", "1");
        h.addTrusted("x-multi", "2");
        assertThat(h.all("X-MULTI")).containsExactly("1", "2");
        assertThat(h.names()).containsExactly("Accept", "X-Multi");
        h.set("x-multi", "3");
        assertThat(h.all("X-Multi")).containsExactly("3");
        assertThat(h.name(1)).isEqualTo("x-multi");
        h.remove("ACCEPT");
        assertThat(h.contains("accept")).isFalse();
        assertThatThrownBy(() -> h.add("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add("X", "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add("X", "a\u0000b")).isInstanceOf(IllegalArgumentException.class);
        h.add("X", "tab\tand latin-1 é");
        assertThat(h.first("x")).contains("tab\tand latin-1 é");
    }
}
