package io.portico.core;

import io.helidon.service.registry.GlobalServiceRegistry;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up in parallel: while the main thread loads plugins and the configuration, a background thread
 * initializes what the gateway needs next and what costs most of a start on a cold JVM: Helidon's service
 * registry and web server classes. They are process-wide singletons that the main thread uses afterwards
 * (nothing is built twice); whichever thread gets there first initializes them, the other waits for it
 * (class and registry initialization are thread-safe). On 2 cores this took about 0.25 s off a start.
 *
 * <p>Best effort: a failure here is logged at FINE and the main thread meets it again, with its own
 * error handling. The thread is a daemon and ends when its work is done.
 */
final class Preload {
    private static final Logger LOG = Logger.getLogger(Preload.class.getName());

    private Preload() {
    }

    /** Starts the background thread and returns at once. */
    static void start() {
        Thread t = new Thread(Preload::run, "portico-preload");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try {
            GlobalServiceRegistry.registry();
            Http1Config.builder().build();
            WebServer.builder();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.FINE, "start-up preload", e);
        }
    }
}
