package io.portico.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ThrottledWarningTest {

    @Test
    void manyWarningsInARowLogOneLine() {
        Logger logger = Logger.getLogger("test.throttled." + System.nanoTime());
        logger.setUseParentHandlers(false);
        List<LogRecord> records = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        ThrottledWarning w = new ThrottledWarning(logger);
        for (int i = 0; i < 100; i++) {
            w.warn("redis down");
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getMessage()).isEqualTo("redis down");
    }
}
