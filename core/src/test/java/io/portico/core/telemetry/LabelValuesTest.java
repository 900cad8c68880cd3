package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class LabelValuesTest {
    @Test
    void knownMethodsKeepTheirNameEverythingElseIsOther() {
        for (String m : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"}) {
            assertThat(LabelValues.method(m)).isEqualTo(m);
        }
        assertThat(LabelValues.method("get")).as("methods are case-sensitive").isEqualTo("other");
        assertThat(LabelValues.method("PROPFIND")).isEqualTo("other");
        assertThat(LabelValues.method("GET /x")).isEqualTo("other");
        assertThat(LabelValues.method("")).isEqualTo("other");
        assertThat(LabelValues.method(null)).isEqualTo("other");
    }

    @Test
    void statusClassesCoverOneToFiveHundredsOnly() {
        assertThat(LabelValues.statusClass(100)).isEqualTo("1xx");
        assertThat(LabelValues.statusClass(200)).isEqualTo("2xx");
        assertThat(LabelValues.statusClass(299)).isEqualTo("2xx");
        assertThat(LabelValues.statusClass(302)).isEqualTo("3xx");
        assertThat(LabelValues.statusClass(404)).isEqualTo("4xx");
        assertThat(LabelValues.statusClass(499)).isEqualTo("4xx");
        assertThat(LabelValues.statusClass(500)).isEqualTo("5xx");
        assertThat(LabelValues.statusClass(599)).isEqualTo("5xx");
        assertThat(LabelValues.statusClass(600)).isEqualTo("other");
        assertThat(LabelValues.statusClass(99)).isEqualTo("other");
        assertThat(LabelValues.statusClass(0)).isEqualTo("other");
        assertThat(LabelValues.statusClass(-1)).isEqualTo("other");
    }

    @Test
    void targetsAreHostAndPortWithTheSchemeDefault() {
        assertThat(LabelValues.target(URI.create("http://10.0.0.1:9001/base"))).isEqualTo("10.0.0.1:9001");
        assertThat(LabelValues.target(URI.create("http://orders.internal"))).isEqualTo("orders.internal:80");
        assertThat(LabelValues.target(URI.create("https://orders.internal/x"))).isEqualTo("orders.internal:443");
        assertThat(LabelValues.target(URI.create("http://[::1]:8080"))).isEqualTo("[::1]:8080");
    }
}
