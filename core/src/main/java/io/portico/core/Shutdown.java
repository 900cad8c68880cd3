package io.portico.core;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGTERM and SIGINT into one orderly drain. The JVM's default would run shutdown hooks and exit
 * with 143; a gateway under an orchestrator should drain and exit 0, so the action runs once, on its own
 * thread, and ends the process itself. A second signal while draining is ignored (the grace period bounds
 * the wait).
 */
final class Shutdown {
    private Shutdown() {
    }

    static void onSignal(Runnable drainAndExit) {
        AtomicBoolean started = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                if (started.compareAndSet(false, true)) {
                    Thread t = new Thread(drainAndExit, "portico-shutdown");
                    t.start();
                }
            });
        }
    }
}
