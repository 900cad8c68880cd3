package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watchdog's scan, driven with explicit times (budgets far in the future keep its own thread out). */
class WatchdogTest {
    static ScriptEngine engine;

    @BeforeAll
    static void start() {
        engine = new ScriptEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void aStallOfTheWholeJvmDoesNotCountAgainstTheBudgetButTheBudgetStillEnds() {
        Context c = engine.newContext();
        long t0 = System.nanoTime();
        Watchdog.Ticket t = engine.watchdog().arm(c, Duration.ofSeconds(60));
        long s = 1_000_000_000L;

        // the sweeper ran 61 s late (a pause): the deadline moves by the stall, the call goes on
        engine.watchdog().sweep(t0 + 61 * s, 61 * s);
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.RUNNING);

        // normal ticks from there: the budget (60 s of time the JVM actually ran) ends
        engine.watchdog().sweep(t0 + 61 * s + 58 * s, Watchdog.TICK_NANOS);
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.RUNNING);
        engine.watchdog().sweep(t0 + 61 * s + 61 * s, Watchdog.TICK_NANOS);
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.EXPIRED);
        assertThat(t.disarm()).as("the call learns it was cancelled").isFalse();
    }

    @Test
    void onTimeTicksExpireAtTheDeadline() {
        Context c = engine.newContext();
        long t0 = System.nanoTime();
        Watchdog.Ticket t = engine.watchdog().arm(c, Duration.ofSeconds(60));
        engine.watchdog().sweep(t0 + 59_000_000_000L, Watchdog.TICK_NANOS);
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.RUNNING);
        engine.watchdog().sweep(t0 + 60_100_000_000L, Watchdog.TICK_NANOS);
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.EXPIRED);
    }

    @Test
    void anIdleWatchdogWakesUpForTheNextCall() throws Exception {
        // nothing armed for a while: the sweeper sleeps; a call armed afterwards is still cut at its budget
        for (long end = System.nanoTime() + 10_000_000_000L; !engine.watchdog().asleep() && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        assertThat(engine.watchdog().asleep()).as("asleep after an idle second").isTrue();
        Context c = engine.newContext();
        long t0 = System.nanoTime();
        Watchdog.Ticket t = engine.watchdog().arm(c, Duration.ofMillis(30));
        while (t.state.get() == Watchdog.Ticket.RUNNING && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(1);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(t.state.get()).isEqualTo(Watchdog.Ticket.EXPIRED);
        assertThat(ms).isBetween(30L, 1000L);
    }

    @Test
    void callsInQuickSuccessionWakeTheSweeperOnceNotPerCall() throws Exception {
        Context c = engine.newContext();
        int before = engine.watchdog().wakeUps();
        for (int i = 0; i < 200; i++) {
            Watchdog.Ticket t = engine.watchdog().arm(c, Duration.ofSeconds(10));
            assertThat(t.disarm()).isTrue();
            Thread.sleep(0, 200_000); // calls arrive apart, with nothing armed in between
        }
        assertThat(engine.watchdog().wakeUps() - before).as("wake-ups for 200 calls").isLessThanOrEqualTo(1);
        c.close();
    }
}
