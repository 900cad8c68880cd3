package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.portico.core.upstream.CircuitBreaker.ADMITTED;
import static io.portico.core.upstream.CircuitBreaker.REFUSED;
import static io.portico.core.upstream.CircuitBreaker.TRIAL;
import static org.assertj.core.api.Assertions.assertThat;

/** The circuit breaker's state machine with a fake clock, no sockets. */
class CircuitBreakerTest {
    private static final long SEC = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5_000 * SEC);
    private final AtomicInteger changes = new AtomicInteger();

    private CircuitBreaker breaker(double ratio, int window, Duration openFor) {
        return new CircuitBreaker("up", "http://t", new CircuitBreakerConfig(ratio, window, openFor),
                Duration.ofSeconds(3), now::get, changes::incrementAndGet);
    }

    private static void outcomes(CircuitBreaker cb, int successes, int failures) {
        for (int i = 0; i < successes; i++) {
            cb.succeeded(cb.acquire());
        }
        for (int i = 0; i < failures; i++) {
            cb.failed(cb.acquire());
        }
    }

    @Test
    void opensOnlyOnceTheWindowIsFullAndTheRatioReached() {
        CircuitBreaker cb = breaker(0.5, 10, Duration.ofSeconds(10));
        outcomes(cb, 0, 9);                 // 9 failures, but the window is not full yet
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 1, 0);                 // full: 9/10 failed, but a success does not trip
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 0, 1);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(cb.allows(now.get())).isFalse();
        assertThat(cb.acquire()).isEqualTo(REFUSED);
        assertThat(changes).hasValue(1);
    }

    @Test
    void belowTheRatioItStaysClosedAndTheWindowSlides() {
        CircuitBreaker cb = breaker(0.5, 10, Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) {     // 40% failures, evenly spread: never 5 of the last 10
            outcomes(cb, 3, 2);
        }
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 0, 3);                 // last 10: s s s f f s s s f f → s f f + f f f: now 5+ of 10
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void oldFailuresLeaveTheWindow() {
        CircuitBreaker cb = breaker(0.5, 4, Duration.ofSeconds(10));
        outcomes(cb, 2, 1);
        outcomes(cb, 4, 0);                 // the failure has slid out
        outcomes(cb, 0, 1);                 // 1 of 4
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 0, 1);                 // 2 of 4 = 0.5
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void ratioOneNeedsEveryRequestToFail() {
        CircuitBreaker cb = breaker(1.0, 5, Duration.ofSeconds(1));
        outcomes(cb, 1, 4);
        outcomes(cb, 0, 0);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 0, 1);                 // last five: f f f f f
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void halfOpensAfterOpenForWithOneTrialAtATime() {
        CircuitBreaker cb = breaker(0.5, 2, Duration.ofSeconds(10));
        outcomes(cb, 0, 2);
        long openedAt = now.get();
        now.set(openedAt + 10 * SEC - 1);
        assertThat(cb.allows(now.get())).isFalse();
        assertThat(cb.acquire()).isEqualTo(REFUSED);

        now.set(openedAt + 10 * SEC);
        assertThat(cb.allows(now.get())).isTrue();
        int trial = cb.acquire();
        assertThat(trial).isEqualTo(TRIAL);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(cb.acquire()).isEqualTo(REFUSED);     // a second request while the trial runs
        assertThat(cb.allows(now.get())).isFalse();

        cb.succeeded(trial);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(cb.acquire()).isEqualTo(ADMITTED);
        // a fresh window: one failure does not reopen a window of 2
        outcomes(cb, 0, 1);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailedTrialOpensAgainForOpenFor() {
        CircuitBreaker cb = breaker(0.5, 2, Duration.ofSeconds(10));
        outcomes(cb, 0, 2);
        now.addAndGet(10 * SEC);
        int trial = cb.acquire();
        cb.failed(trial);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(cb.openUntil()).isEqualTo(now.get() + 10 * SEC);
        assertThat(cb.acquire()).isEqualTo(REFUSED);
    }

    @Test
    void aReleasedOrLostTrialLetsAnotherThrough() {
        CircuitBreaker cb = breaker(0.5, 2, Duration.ofSeconds(10));
        outcomes(cb, 0, 2);
        now.addAndGet(10 * SEC);
        int trial = cb.acquire();
        cb.release(trial);                   // no verdict: another request may try
        assertThat(cb.acquire()).isEqualTo(TRIAL);
        assertThat(cb.acquire()).isEqualTo(REFUSED);
        now.addAndGet(3 * SEC);              // the trial never reported within the trial timeout
        assertThat(cb.allows(now.get())).isTrue();
        assertThat(cb.acquire()).isEqualTo(TRIAL);
    }

    @Test
    void outcomesOfRequestsAdmittedBeforeItOpenedAreIgnored() {
        CircuitBreaker cb = breaker(0.5, 2, Duration.ofSeconds(10));
        int late = cb.acquire();
        outcomes(cb, 0, 2);
        cb.succeeded(late);                  // started while closed, ends while open
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
        now.addAndGet(10 * SEC);
        int trial = cb.acquire();
        cb.failed(late);                     // a straggler cannot decide the trial
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        cb.succeeded(trial);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void countsStayExactUnderConcurrency() throws Exception {
        // 8 threads × 1000 outcomes, 30% failures, into a window of exactly 8000: none may be lost
        CircuitBreaker cb = breaker(0.5, 8000, Duration.ofSeconds(10));
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (i % 10 < 3) {
                        cb.failed(cb.acquire());
                    } else {
                        cb.succeeded(cb.acquire());
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(cb.failuresInWindow()).isEqualTo(2400);
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        outcomes(cb, 0, 4000);              // whatever slid out, now at least half failed
        assertThat(cb.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
