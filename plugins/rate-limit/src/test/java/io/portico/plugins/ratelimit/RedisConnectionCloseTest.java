package io.portico.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.RedisSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Closing while the first connect is still under way (what {@code portico validate} does: the filter starts
 * connecting when it is built, and the plugin stops right after) must end quietly: no warning or error from
 * the client's threads, which used to log a {@code RejectedExecutionException} when the connect completed on
 * an executor already shut down.
 */
class RedisConnectionCloseTest {

    @Test
    void closingDuringTheFirstConnectLogsNothing() throws IOException {
        Logger root = Logger.getLogger("");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(capture);
        // a port nothing listens on (connect refused at once) and one that accepts but never answers
        int refused;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            refused = s.getLocalPort();
        }
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            for (int port : new int[] {refused, silent.getLocalPort()}) {
                for (int i = 0; i < 20; i++) {
                    RedisConnection c = new RedisConnection(
                            new RedisSettings("redis://127.0.0.1:" + port, Duration.ofMillis(100)));
                    c.warmUp();
                    c.close();
                }
            }
        } finally {
            root.removeHandler(capture);
        }
        assertThat(records).as(() -> records.stream()
                .map(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown()).toList().toString())
                .isEmpty();
    }
}
