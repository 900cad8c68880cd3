package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void parsesBlocksAndHosts() throws Exception {
        assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("192.168.1.7").prefix()).isEqualTo(32);
        assertThat(Cidr.parse("::1").prefix()).isEqualTo(128);
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.0.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    }

    /** None of these may be looked up as a host name (which would be slow and depend on DNS). */
    @ParameterizedTest
    @ValueSource(strings = {"300.1.1.1", "1.2.3", "1.2.3.4.5", "zz::1", "1::2::3", "[::1]", "fe80::1%eth0",
            "localhost", "", "10.0.0.0/33", "10.0.0.0/x"})
    void rejectsWhatIsNotAnIpLiteral(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
