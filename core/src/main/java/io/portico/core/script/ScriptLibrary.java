package io.portico.core.script;

import io.portico.api.Phase;
import io.portico.core.config.ConfigWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The script files of {@code scripts.dir} that configurations use, each in a {@link ScriptSlot}, compiled
 * off the request path and hot-swapped when they change.
 *
 * <p>A file is compiled the first time a configuration refers to it ({@link #resolve}), so Portico pays no
 * JavaScript cost (the engine is created lazily) unless scripts are used. {@link #watch} then watches the
 * folders of those files: after a settled burst of changes ({@value #DEBOUNCE_MS} ms) every referenced file
 * whose bytes changed is compiled and its default export validated on the watcher thread; a good version is
 * published in one volatile write and the previous one retired (closed once the requests holding it end); a
 * compile error keeps the previous version serving and is logged with file, line and column; a deleted file
 * leaves its slot empty (filters using it answer 500) until it comes back. Each change that can alter the
 * filter chains (a file became usable, or its phase changed) calls the {@code rebuild} callback, which
 * re-applies the configuration (a configuration refused for want of the file becomes valid that way).
 *
 * <p>A file is used either as a filter ({@link #resolve}) or as an aggregate route's merge script
 * ({@link #resolveMerge}), never both: its slot keeps the {@link ScriptKind} of its first reference for the
 * life of the library, and its versions are validated as that kind. Merge scripts have no phase, so only
 * becoming usable triggers {@code rebuild} for them.
 *
 * <p>Thread-safe: {@link #resolve} (config load, reload) and rescans are serialized on this object.
 */
public final class ScriptLibrary implements AutoCloseable {
    static final long DEBOUNCE_MS = 100;
    private static final Logger LOG = Logger.getLogger(ScriptLibrary.class.getName());

    private final Path dir;
    private final Supplier<ScriptEngine> engineFactory;
    private final Map<String, ScriptSlot> slots = new LinkedHashMap<>(); // under this
    private ScriptEngine engine; // under this; created on first compile
    private ConfigWatcher watcher; // under this
    private Runnable rebuild = () -> { }; // under this
    private boolean closed; // under this

    /** A library over {@code dir} with an engine of default options, created when the first file is compiled. */
    public ScriptLibrary(Path dir) {
        this(dir, ScriptEngine::new);
    }

    /** A library over {@code dir} whose engine {@code engineFactory} makes (once, lazily). */
    public ScriptLibrary(Path dir, Supplier<ScriptEngine> engineFactory) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.engineFactory = Objects.requireNonNull(engineFactory, "engineFactory");
    }

    /** {@code scripts.dir}, absolute. */
    public Path dir() {
        return dir;
    }

    /**
     * The slot of {@code file} (relative to {@code scripts.dir}), compiling it now if no configuration referred
     * to it before. Blocking (reads and evaluates the file, and creates the engine the first time). The slot's
     * {@link ScriptSlot#current()} is null when the file is missing or does not compile
     * ({@link ScriptSlot#lastError()} says why).
     *
     * @throws IllegalArgumentException when {@code file} is not a relative path inside {@code scripts.dir}, or
     *                                  is already used as a merge script
     */
    public ScriptSlot resolve(String file) {
        return resolve(file, ScriptKind.FILTER);
    }

    /**
     * {@link #resolve} for an aggregate route's {@code merge: { script: file }}: the slot's versions are
     * compiled and validated as merge modules ({@code export default { merge(parts, ctx) }}) and called with
     * {@link ScriptVersion#merge}. Blocking, like {@link #resolve}.
     *
     * @throws IllegalArgumentException when {@code file} is not a relative path inside {@code scripts.dir}, or
     *                                  is already used as a filter
     */
    public ScriptSlot resolveMerge(String file) {
        return resolve(file, ScriptKind.MERGE);
    }

    private synchronized ScriptSlot resolve(String file, ScriptKind kind) {
        String name = normalize(file);
        ScriptSlot slot = slots.get(name);
        if (slot != null && slot.kind() != kind) {
            throw new IllegalArgumentException("script '" + name + "' is used both as a filter and as a merge script");
        }
        if (slot == null) {
            slot = new ScriptSlot(name, kind);
            slots.put(name, slot);
            refresh(slot);
            if (watcher != null) {
                watcher.watch(folders());
            }
        }
        return slot;
    }

    /** The slots referred to so far, in order of first reference. */
    public synchronized List<ScriptSlot> slots() {
        return List.copyOf(slots.values());
    }

    /**
     * Starts watching the folders of the referenced files; {@code rebuild} is called (on the watcher thread)
     * after a change that can alter filter chains. Idempotent (a later call replaces the callback).
     */
    public synchronized void watch(Runnable rebuild) {
        this.rebuild = Objects.requireNonNull(rebuild, "rebuild");
        if (closed) {
            return;
        }
        if (watcher == null) {
            watcher = new ConfigWatcher(Duration.ofMillis(DEBOUNCE_MS), this::rescan, "portico-script-watcher");
        }
        watcher.watch(folders());
    }

    /**
     * Brings every slot in step with its file now (see the class documentation). Called by the watcher;
     * public for tests and an admin endpoint. Blocking.
     */
    public void rescan() {
        boolean chainsChange = false;
        Runnable callback;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (ScriptSlot slot : slots.values()) {
                chainsChange |= refresh(slot);
            }
            callback = rebuild;
        }
        if (chainsChange) {
            callback.run();
        }
    }

    /**
     * Loads {@code slot}'s file if its bytes differ from what was tried last.
     *
     * @return whether the change can alter a filter chain (became usable, or another phase; merge scripts
     *         have none, so for them only becoming usable)
     */
    private boolean refresh(ScriptSlot slot) {
        Path file = dir.resolve(slot.name());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return gone(slot, file, "no such file");
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return gone(slot, file, "no such file");
            }
            LOG.log(Level.WARNING, "script " + slot.name() + ": cannot read " + file + "; tried again at the next change", e);
            return false;
        }
        String sha = ScriptEngine.sha256(bytes);
        if (sha.equals(slot.triedSha256)) {
            return false;
        }
        slot.triedSha256 = sha;
        long t0 = System.nanoTime();
        CompileResult result = engine().compile(file, bytes, slot.kind());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ScriptVersion before = slot.current();
        if (result instanceof ScriptError error) {
            slot.failed(error);
            LOG.severe("script " + slot.name() + " NOT loaded: " + error
                    + (before == null ? "" : "; the previous version " + before + " keeps serving"));
            return false;
        }
        ScriptVersion next = (ScriptVersion) result;
        ScriptVersion old = slot.loaded(next);
        LOG.info(() -> "script " + next + " loaded in " + ms + " ms (" + shape(next) + ")"
                + (old == null ? "" : "; replaces " + old));
        if (old != null) {
            old.retire();
        }
        return old == null || old.phase() != next.phase();
    }

    private boolean gone(ScriptSlot slot, Path file, String why) {
        if (slot.state() == ScriptSlot.State.MISSING && slot.lastError() != null) {
            return false; // known to be missing
        }
        slot.triedSha256 = null;
        ScriptVersion old = slot.missing(new ScriptError(file, 0, 0, why));
        if (old != null) {
            LOG.warning("script " + slot.name() + " was deleted: " + old + " is unloaded; routes using it answer 500"
                    + " until the file is back or the configuration changes");
            old.retire();
        }
        return false; // the chains keep the slot: its filters answer 500 until the file is back
    }

    private ScriptEngine engine() {
        if (engine == null) {
            engine = engineFactory.get();
        }
        return engine;
    }

    private Set<Path> folders() {
        Set<Path> out = new LinkedHashSet<>();
        for (String name : slots.keySet()) {
            Path parent = dir.resolve(name).getParent();
            out.add(parent == null ? dir : parent);
        }
        return out;
    }

    /**
     * {@code file} as a normalized relative name; refuses absolute paths and climbing out of the folder.
     * Also used by the config parser to check script file names at load.
     *
     * @throws IllegalArgumentException when {@code file} is blank, absolute or climbs out with {@code ..}
     *                                  (the message names the problem)
     */
    public static String normalize(String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("a script file name is required");
        }
        Path p = Path.of(file).normalize();
        if (p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty()) {
            throw new IllegalArgumentException("script file '" + file + "' must be a path inside scripts.dir");
        }
        return p.toString().replace('\\', '/');
    }

    /** {@code phase transform, onRequest + onResponse} for a filter, {@code merge script} for a merge script. */
    private static String shape(ScriptVersion v) {
        if (v.kind() == ScriptKind.MERGE) {
            return "merge script";
        }
        return "phase " + phaseName(v.phase()) + (v.hasOnResponse() ? ", onRequest + onResponse" : ", onRequest");
    }

    private static String phaseName(Phase p) {
        return p.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Stops watching, closes every version and the engine. */
    @Override
    public void close() {
        List<ScriptVersion> versions = new ArrayList<>();
        ScriptEngine e;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (watcher != null) {
                watcher.close();
            }
            for (ScriptSlot s : slots.values()) {
                if (s.current() != null) {
                    versions.add(s.current());
                }
            }
            e = engine;
        }
        versions.forEach(ScriptVersion::close);
        if (e != null) {
            e.close();
        }
    }
}
