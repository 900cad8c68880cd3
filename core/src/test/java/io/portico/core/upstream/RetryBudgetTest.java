package io.portico.core.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    @Test
    void startsFullThenAllowsOneRetryPerFiveRequests() {
        RetryBudget b = new RetryBudget();
        int burst = 0;
        while (b.tryRetry()) {
            burst++;
        }
        assertThat(burst).isEqualTo(RetryBudget.CAPACITY);

        int retries = 0;
        for (int i = 0; i < 100; i++) {
            b.requested();
            if (b.tryRetry()) {
                retries++;
            }
        }
        assertThat(retries).isEqualTo(20);
    }

    @Test
    void depositsStopAtTheCapacity() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 1000; i++) {
            b.requested();
        }
        assertThat(b.tokens()).isEqualTo(RetryBudget.CAPACITY);
    }
}
