package io.portico.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls a callback when files change in a set of folders, once a burst of changes has settled.
 *
 * <p>Folders, not files, are watched (with the platform's {@link WatchService}, inotify on Linux), so a file
 * an editor replaces by renaming a temporary file over it, a Kubernetes ConfigMap update (a symlink swapped
 * in the folder) and a new file matching an include glob are all seen. Any creation, change or deletion of
 * an entry of a watched folder counts, as does an overflow (events lost). The callback does not learn what
 * changed: it is expected to reload everything.
 *
 * <p>Debouncing: after the first event, the callback runs once no further event has arrived for
 * {@code debounce}, but at most {@code 10 × debounce} after that first event, so constant churn cannot
 * postpone a reload forever. Events that arrive while the callback runs start the next burst.
 *
 * <p>Threading: one daemon platform thread, {@value #THREAD_NAME}, started by the constructor, waits for
 * events and runs the callback, so calls never overlap. A {@link RuntimeException} thrown by the callback is
 * logged and the watcher keeps going. {@link #watch} and {@link #close} may be called from any thread,
 * including from the callback.
 */
public final class ConfigWatcher implements AutoCloseable {
    /** The name of the watcher's thread. */
    public static final String THREAD_NAME = "portico-config-watcher";
    private static final Logger LOG = Logger.getLogger(ConfigWatcher.class.getName());
    private static final Duration MAX_DEBOUNCE = Duration.ofHours(1);

    private final long debounceNanos;
    private final Runnable onChange;
    private final WatchService service;
    private final Thread thread;
    /** Guards {@link #keys} and {@link #warned}. */
    private final Object lock = new Object();
    /** The wanted folders (absolute, normalized) and their keys. */
    private final Map<Path, WatchKey> keys = new HashMap<>();
    /** Folders a warning was logged for since they were last watched successfully. */
    private final Set<Path> warned = new HashSet<>();
    private volatile boolean closed;

    /**
     * Starts the watcher thread; nothing is watched until {@link #watch} is called.
     *
     * @param debounce how long events must pause before {@code onChange} runs; greater than zero, at most an
     *                 hour
     * @param onChange run on the watcher thread after each settled burst of events
     * @throws IllegalArgumentException if {@code debounce} is out of range
     * @throws UncheckedIOException     if the platform cannot create a watch service
     */
    public ConfigWatcher(Duration debounce, Runnable onChange) {
        this(debounce, onChange, THREAD_NAME);
    }

    /**
     * Like {@link #ConfigWatcher(Duration, Runnable)}, with the watcher thread named {@code threadName} (for a
     * watcher of something other than the configuration, e.g. {@code plugins.dir}).
     */
    public ConfigWatcher(Duration debounce, Runnable onChange, String threadName) {
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(threadName, "threadName");
        if (debounce.isNegative() || debounce.isZero() || debounce.compareTo(MAX_DEBOUNCE) > 0) {
            throw new IllegalArgumentException("debounce must be greater than 0 and at most 1h, got " + debounce);
        }
        this.debounceNanos = debounce.toNanos();
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        try {
            this.service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the config files: " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        thread.start();
    }

    /**
     * Replaces the set of watched folders: folders not watched yet are registered, folders no longer in
     * {@code directories} stop producing events (also events already queued for them are dropped). A folder
     * that does not exist or cannot be watched is skipped, with one WARNING log per folder until it has been
     * watched successfully; calling again with the same set retries it, and re-registers a folder that was
     * deleted (and maybe re-created) since. Never throws for a bad folder.
     * Ignored after {@link #close}.
     *
     * @param directories the folders to watch (relative ones are resolved against the working directory)
     */
    public void watch(Collection<Path> directories) {
        Set<Path> wanted = new LinkedHashSet<>();
        for (Path d : directories) {
            wanted.add(d.toAbsolutePath().normalize());
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (Iterator<Map.Entry<Path, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Path, WatchKey> e = it.next();
                if (!wanted.contains(e.getKey()) || !e.getValue().isValid()) {
                    e.getValue().cancel();
                    it.remove();
                }
            }
            warned.retainAll(wanted);
            for (Path dir : wanted) {
                if (!keys.containsKey(dir)) {
                    register(dir);
                }
            }
        }
    }

    /** The folders currently watched (absolute, normalized): the wanted ones that could be registered. */
    public Set<Path> watched() {
        synchronized (lock) {
            Set<Path> out = new HashSet<>();
            keys.forEach((dir, key) -> {
                if (key.isValid()) {
                    out.add(dir);
                }
            });
            return Set.copyOf(out);
        }
    }

    /** Called with {@link #lock} held. */
    private void register(Path dir) {
        String problem;
        try {
            keys.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
            warned.remove(dir);
            return;
        } catch (NoSuchFileException e) {
            problem = "it does not exist";
        } catch (NotDirectoryException e) {
            problem = "it is not a directory";
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            problem = e.toString();
        } catch (ClosedWatchServiceException e) {
            return;
        }
        if (warned.add(dir)) {
            LOG.warning("cannot watch " + dir + " for config changes (" + problem + "); changes there will not"
                    + " reload the config");
        }
    }

    /**
     * Stops watching: no callback starts after this returns. If the callback is running on another thread,
     * waits for it to return. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            keys.clear();
        }
        try {
            service.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the config watch service failed", e);
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (!closed) {
                if (!drain(service.take())) {
                    continue;
                }
                long first = System.nanoTime();
                long latest = first + 10 * debounceNanos;
                long quiet = first + debounceNanos;
                while (true) {
                    long wait = Math.min(quiet, latest) - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    WatchKey key = service.poll(wait, TimeUnit.NANOSECONDS);
                    if (key != null && drain(key)) {
                        quiet = System.nanoTime() + debounceNanos;
                    }
                }
                if (closed) {
                    return;
                }
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the config change callback failed; still watching for changes", e);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed
        }
    }

    /** Takes the key's events and re-arms it; @return whether it had events for a wanted folder. */
    private boolean drain(WatchKey key) {
        boolean any = !key.pollEvents().isEmpty();
        key.reset();
        synchronized (lock) {
            // a key of a wanted folder that was deleted is invalid now, but its last events still count
            return any && keys.containsValue(key);
        }
    }
}
