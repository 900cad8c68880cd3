package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @Test
    void durations() {
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Units.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.parseDuration(" 90s ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.parseDuration("0s")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "", "s", "5 s", "5sec", "5S", "1.5s", "-1s", "250us", "1d", "1m30s", "ms5"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a duration like 500ms, 5s, 1m, 1h");
    }

    @Test
    void hugeDurationIsRejectedNotOverflowed() {
        assertThatThrownBy(() -> Units.parseDuration("999999999999999999h"))
                .hasMessage("expected a duration like 500ms, 5s, 1m, 1h (this one is too large)");
        assertThatThrownBy(() -> Units.parseDuration("99999999999999999999s"))
                .hasMessage("expected a duration like 500ms, 5s, 1m, 1h (this one is too large)");
    }

    @Test
    void sizes() {
        assertThat(Units.parseSize("100B")).isEqualTo(100);
        assertThat(Units.parseSize("100")).isEqualTo(100);
        assertThat(Units.parseSize("512KB")).isEqualTo(512 * 1024);
        assertThat(Units.parseSize("10MB")).isEqualTo(10L * 1024 * 1024);
        assertThat(Units.parseSize("10mb")).isEqualTo(10L * 1024 * 1024);
        assertThat(Units.parseSize("1GB")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("1 gB")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "10XB", "1.5MB", "-1", "10 M B", "10K", "1e3", "0x10"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Units.parseSize(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a size like 512KB, 10MB, 1GB or a number of bytes");
    }

    @Test
    void hugeSizeIsRejectedNotOverflowed() {
        assertThatThrownBy(() -> Units.parseSize("9999999999GB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Units.parseSize("99999999999999999999")).hasMessageContaining("too large");
    }

    @Test
    void formatting() {
        assertThat(Units.formatSize(1 << 20)).isEqualTo("1MB");
        assertThat(Units.formatSize(8192)).isEqualTo("8KB");
        assertThat(Units.formatSize(3L << 30)).isEqualTo("3GB");
        assertThat(Units.formatSize(8000)).isEqualTo("8000 bytes");
        assertThat(Units.formatSize(1)).isEqualTo("1 byte");
        assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Units.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Units.formatDuration(Duration.ofHours(1))).isEqualTo("1h");
    }
}
