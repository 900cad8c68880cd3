package io.portico.core.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    @Test
    void closesOnlyWhenEmptyAndThenAdmitsNoOne() {
        Admission a = new Admission();
        assertThat(a.enter()).isTrue();
        assertThat(a.enter()).isTrue();
        assertThat(a.inside()).isEqualTo(2);
        assertThat(a.tryClose()).isFalse();
        a.exit();
        assertThat(a.tryClose()).isFalse();
        a.exit();
        assertThat(a.tryClose()).isTrue();
        assertThat(a.tryClose()).isTrue();
        assertThat(a.enter()).isFalse();
        assertThat(a.inside()).isZero();
    }
}
