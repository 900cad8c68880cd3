package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigWatcher} on the real file system. Waits are generous (slow, shared machines): a callback is
 * awaited for up to {@link #DEADLINE}; "no callback" is checked after {@link #QUIET}, several debounces.
 */
class ConfigWatcherTest {
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final long QUIET = 1500;

    @TempDir
    Path tmp;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private ConfigWatcher watcher;

    @AfterEach
    void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private ConfigWatcher counting() {
        watcher = new ConfigWatcher(DEBOUNCE, () -> {
            threads.add(Thread.currentThread().getName());
            calls.incrementAndGet();
        });
        return watcher;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void aBurstOfWritesGivesOneCallbackOnTheWatcherThread() throws Exception {
        Path conf = dir("conf");
        counting().watch(List.of(conf));
        Path file = conf.resolve("portico.yaml");
        for (int i = 0; i < 20; i++) {
            Files.writeString(file, "server: { port: " + (8000 + i) + " }\n");
        }
        await(() -> calls.get() >= 1);
        Thread.sleep(QUIET);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(threads).containsOnly(ConfigWatcher.THREAD_NAME);
    }

    @Test
    void renamingATempFileOverTheConfigTriggers() throws Exception {
        Path conf = dir("conf");
        Path file = Files.writeString(conf.resolve("portico.yaml"), "a: 1\n");
        Path temp = Files.writeString(conf.resolve(".portico.yaml.tmp"), "a: 2\n");
        counting().watch(List.of(conf));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(() -> calls.get() >= 1);
    }

    @Test
    void aSymlinkSwapTriggers() throws Exception {
        Path conf = dir("conf");
        Path v1 = dir("conf/..v1");
        Path v2 = dir("conf/..v2");
        Files.writeString(v1.resolve("portico.yaml"), "a: 1\n");
        Files.writeString(v2.resolve("portico.yaml"), "a: 2\n");
        Files.createSymbolicLink(conf.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(conf.resolve("portico.yaml"), Path.of("..data/portico.yaml"));
        counting().watch(List.of(conf));
        Path next = Files.createSymbolicLink(conf.resolve("..data_tmp"), v2.getFileName());
        Files.move(next, conf.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(() -> calls.get() >= 1);
        assertThat(Files.readString(conf.resolve("portico.yaml"))).isEqualTo("a: 2\n");
    }

    @Test
    void aThrowingCallbackDoesNotStopLaterCallbacks() throws Exception {
        Path conf = dir("conf");
        watcher = new ConfigWatcher(DEBOUNCE, () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("reload failed");
        });
        watcher.watch(List.of(conf));
        Files.writeString(conf.resolve("a.yaml"), "1");
        await(() -> calls.get() >= 1);
        Thread.sleep(DEBOUNCE.toMillis());
        Files.writeString(conf.resolve("a.yaml"), "2");
        await(() -> calls.get() >= 2);
    }

    @Test
    void watchReplacesTheSet() throws Exception {
        Path a = dir("a");
        Path b = dir("b");
        counting().watch(List.of(a));
        watcher.watch(List.of(b));
        assertThat(watcher.watched()).containsExactly(b.toAbsolutePath().normalize());
        Files.writeString(a.resolve("x.yaml"), "1");
        Thread.sleep(QUIET);
        assertThat(calls.get()).isZero();

        Files.writeString(b.resolve("x.yaml"), "1");
        await(() -> calls.get() >= 1);
        Thread.sleep(QUIET);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void constantChurnStillGivesACallbackWhileItLasts() throws Exception {
        Path conf = dir("conf");
        counting().watch(List.of(conf));
        long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        int i = 0;
        while (System.nanoTime() < end && calls.get() == 0) {
            Files.writeString(conf.resolve("churn.yaml"), "n: " + i++ + "\n");
            Thread.sleep(50);
        }
        assertThat(calls.get()).as("a callback while events kept coming every 50ms").isPositive();
    }

    @Test
    void closeStopsCallbacks() throws Exception {
        Path conf = dir("conf");
        counting().watch(List.of(conf));
        watcher.close();
        watcher.close();
        Files.writeString(conf.resolve("a.yaml"), "1");
        Thread.sleep(QUIET);
        assertThat(calls.get()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(ConfigWatcher.THREAD_NAME));
        watcher.watch(List.of(conf));
        assertThat(watcher.watched()).isEmpty();
    }

    @Test
    void aFolderThatCannotBeWatchedIsSkippedWithOneWarning() throws Exception {
        Path conf = dir("conf");
        Path missing = tmp.resolve("missing");
        Path file = Files.writeString(tmp.resolve("file"), "");
        List<LogRecord> logs = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ConfigWatcher.class.getName());
        logger.addHandler(handler);
        try {
            counting().watch(List.of(missing, conf, file));
            watcher.watch(List.of(missing, conf, file));
            assertThat(watcher.watched()).containsExactly(conf.toAbsolutePath().normalize());
            assertThat(logs).filteredOn(r -> r.getLevel() == Level.WARNING).hasSize(2);
            assertThat(logs.getFirst().getMessage()).contains(missing.toString(), "it does not exist");

            Files.writeString(conf.resolve("a.yaml"), "1");
            await(() -> calls.get() >= 1);

            Files.createDirectories(missing);
            watcher.watch(List.of(missing, conf));
            Thread.sleep(QUIET);
            int before = calls.get();
            Files.writeString(missing.resolve("a.yaml"), "1");
            await(() -> calls.get() > before);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void debounceMustBePositive() {
        assertThatThrownBy(() -> new ConfigWatcher(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
