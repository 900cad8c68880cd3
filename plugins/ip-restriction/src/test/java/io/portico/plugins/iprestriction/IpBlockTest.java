package io.portico.plugins.iprestriction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpBlockTest {

    private static boolean in(String block, String address) {
        return IpBlock.parse(block).contains(IpBlock.literal(address).orElseThrow());
    }

    @Test
    void ipv4Blocks() {
        assertThat(in("10.0.0.0/8", "10.200.1.2")).isTrue();
        assertThat(in("10.0.0.0/8", "11.0.0.1")).isFalse();
        assertThat(in("192.168.1.0/25", "192.168.1.127")).isTrue();
        assertThat(in("192.168.1.0/25", "192.168.1.128")).isFalse();
        assertThat(in("203.0.113.7", "203.0.113.7")).isTrue();
        assertThat(in("203.0.113.7", "203.0.113.8")).isFalse();
        assertThat(in("0.0.0.0/0", "1.2.3.4")).isTrue();
    }

    @Test
    void hostBitsAreCleared() {
        assertThat(IpBlock.parse("10.1.2.3/8")).isEqualTo(IpBlock.parse("10.0.0.0/8"));
        assertThat(IpBlock.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    }

    @Test
    void ipv6Blocks() {
        assertThat(in("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
        assertThat(in("2001:db8::/32", "2001:db9::1")).isFalse();
        assertThat(in("::1", "::1")).isTrue();
        assertThat(in("::1/128", "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(in("fe80::/10", "[fe80::1%eth0]")).isTrue();
    }

    @Test
    void familiesDoNotMix() {
        assertThat(in("::/0", "10.0.0.1")).isFalse();
        assertThat(in("0.0.0.0/0", "2001:db8::1")).isFalse();
    }

    @Test
    void ipv4MappedAddressesAndBlocksCountAsIpv4() {
        assertThat(in("10.0.0.0/8", "::ffff:10.1.2.3")).isTrue();
        assertThat(in("::ffff:10.0.0.0/104", "10.9.9.9")).isTrue();
        assertThat(in("::ffff:10.0.0.0/104", "11.0.0.1")).isFalse();
        assertThat(IpBlock.parse("::ffff:10.0.0.0/104")).isEqualTo(IpBlock.parse("10.0.0.0/8"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/-1",
            "10.0.0.0/", "10.0.0.0/abc", "2001:db8::/129", "::ffff:10.0.0.0/95", "1:2", "2001:db8::g", "10.0.0.0/8/8"})
    void rejectsWhatIsNotACidrBlock(String text) {
        assertThatThrownBy(() -> IpBlock.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
    }

    @Test
    void literalNeverLooksUpNames() {
        assertThat(IpBlock.literal("localhost")).isEmpty();
        assertThat(IpBlock.literal("unknown")).isEmpty();
        assertThat(IpBlock.literal("1.2.3.4")).isPresent();
    }
}
