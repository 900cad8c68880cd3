package io.portico.core.plugin;

import io.portico.api.FilterFactory;

import io.portico.core.config.ConfigWatcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the PF4J plugins (plain jars and zips) of {@code plugins.dir}, registers their {@code FilterFactory}
 * extensions in a {@link FilterRegistry}, and keeps both in step with the folder.
 *
 * <p><b>Versions side by side.</b> Each file is copied to a private staging folder under a name that
 * includes its SHA-256 and loaded there by its own PF4J manager, so a new version of a plugin id can be
 * loaded while the old one still serves requests in flight. See {@link FilterRegistry} for the lease protocol
 * that decides when an old version is unloaded.
 *
 * <p><b>Scan</b> ({@link #scan()}, run at {@link #open} and, with {@link #watch}, after every settled burst of
 * changes in the folder): a new file is loaded, started and its types registered; a file whose checksum
 * changed is loaded as a new version and, if that works, replaces the old one in the registry (the old one
 * is retired); a removed file's types are unregistered (logged at WARNING) and its version retired. All
 * changes of one scan are published in a single atomic swap of the registry. A file that fails (bad
 * manifest, missing {@code META-INF/extensions.idx}, class not found, exception in {@code Plugin.start()},
 * invalid factory declarations, a filter type or plugin id another file already provides) is logged at
 * SEVERE with its file, plugin id and cause, kept in {@link #status()}, and never registered; the version
 * registered before, if any, keeps serving. The same failing content is not retried until the file changes,
 * except that a file refused for a duplicate type or plugin id is retried after any scan that changed the
 * registry (the other file may be gone).
 * Nothing a plugin does during a scan propagates out of it.
 *
 * <p><b>Threading.</b> Scans are serialized (one at a time, on the caller's or the watcher's thread) and block
 * while files are copied and plugins start. {@link #registry()} and {@link #status()} may be called from any
 * thread.
 */
public final class PluginHost implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());
    /** Quiet time after the last change in {@code plugins.dir} before it is scanned. */
    static final Duration DEBOUNCE = Duration.ofMillis(200);
    /** The name of the folder watcher's thread. */
    public static final String THREAD_NAME = "portico-plugin-watcher";

    /** What is known about one file of the folder. */
    private static final class FileEntry {
        String sha; // of the last content tried
        LoadedPlugin active;
        PluginStatus failure; // of the last content tried, when it failed
        boolean conflicted; // that failure was a duplicate type or plugin id
    }

    private final Path dir;
    private final Path stagingRoot;
    private final PluginFileLoader loader;
    private final FilterRegistry registry;
    private final Map<Path, FileEntry> files = new HashMap<>(); // under this
    private final List<LoadedPlugin> retiring = new ArrayList<>(); // under this
    private final Map<LoadedPlugin, Instant> since = new HashMap<>(); // under this
    private ConfigWatcher watcher; // under this
    private boolean closed; // under this

    private PluginHost(Path dir, Path stagingRoot, List<FilterFactory<?>> builtins) {
        this.registry = new FilterRegistry(builtins);
        this.dir = dir.toAbsolutePath().normalize();
        this.stagingRoot = stagingRoot.toAbsolutePath().normalize();
        this.loader = new PluginFileLoader(this.stagingRoot);
    }

    /**
     * Creates a host for {@code dir}, staging into a new temporary folder, and loads what is there now
     * (blocking). A missing folder means no plugins (logged at INFO). Never throws for a bad plugin.
     *
     * @throws IOException if the staging folder cannot be created
     */
    public static PluginHost open(Path dir) throws IOException {
        return open(dir, List.of());
    }

    /** Like {@link #open(Path)}, with filter types built into Portico that plugins cannot redefine. */
    public static PluginHost open(Path dir, List<FilterFactory<?>> builtins) throws IOException {
        return open(dir, Files.createTempDirectory("portico-plugins-"), builtins);
    }

    /** Like {@link #open(Path)}, staging into {@code stagingRoot} (created if needed; must be private to this host). */
    public static PluginHost open(Path dir, Path stagingRoot) throws IOException {
        return open(dir, stagingRoot, List.of());
    }

    /** Like {@link #open(Path, Path)}, with built-in filter types. */
    public static PluginHost open(Path dir, Path stagingRoot, List<FilterFactory<?>> builtins) throws IOException {
        Files.createDirectories(stagingRoot);
        PluginHost host = new PluginHost(Objects.requireNonNull(dir, "dir"), stagingRoot, builtins);
        if (!Files.isDirectory(host.dir)) {
            LOG.info("plugins.dir " + host.dir + " is not a directory: no plugins loaded");
        }
        host.scan();
        return host;
    }

    /** The folder scanned (absolute). */
    public Path dir() {
        return dir;
    }

    /** The registry this host fills; the same instance for the host's life. */
    public FilterRegistry registry() {
        return registry;
    }

    /**
     * Watches the folder; after each settled burst of changes runs {@link #scan()} and, if the registry
     * changed, {@code onChange} (meant to reload the configuration, which may have referred to a type that
     * now exists, or to one that is gone). Both run on the watcher's thread. Idempotent: only the first
     * callback is used. A folder that does not exist now is not watched (create it and restart). Scans once
     * on the caller's thread (running {@code onChange} if that changed anything), for changes made since
     * {@link #open}.
     */
    public PluginHost watch(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (this) {
            if (watcher != null || closed || !Files.isDirectory(dir)) {
                return this;
            }
            watcher = new ConfigWatcher(DEBOUNCE, () -> {
                if (scan()) {
                    onChange.run();
                }
            }, THREAD_NAME);
            watcher.watch(Set.of(dir));
        }
        if (scan()) { // catch up with changes made between open and now
            onChange.run();
        }
        return this;
    }

    /**
     * Brings the registry in step with the folder now (see the class documentation). Blocking; serialized.
     *
     * @return whether the registry changed
     */
    public synchronized boolean scan() {
        if (closed) {
            return false;
        }
        Map<Path, String> present = list();
        List<LoadedPlugin> toRetire = new ArrayList<>();
        boolean changed = false;
        for (Iterator<Map.Entry<Path, FileEntry>> it = files.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, FileEntry> e = it.next();
            if (!present.containsKey(e.getKey())) {
                it.remove();
                LoadedPlugin gone = e.getValue().active;
                if (gone != null) {
                    toRetire.add(gone);
                    changed = true;
                    LOG.warning("plugin " + gone + " was removed from " + dir + ": filter types " + gone.types()
                            + " are unregistered; a configuration using them is invalid from the next reload (the"
                            + " running one keeps its filters until it is replaced)");
                }
            }
        }
        changed |= loadChanged(present, toRetire);
        if (changed && files.values().stream().anyMatch(e -> e.conflicted)) {
            // a type or plugin id may have been freed: give the files refused for a conflict another chance
            files.values().stream().filter(e -> e.conflicted).forEach(e -> e.sha = null);
            loadChanged(present, toRetire);
        }
        if (changed) {
            registry.publish(catalog());
            for (LoadedPlugin old : toRetire) {
                retiring.add(old);
                since.put(old, Instant.now());
                old.retire();
            }
        }
        return changed;
    }

    /** Loads every new or changed file; @return whether any became active. */
    private boolean loadChanged(Map<Path, String> present, List<LoadedPlugin> toRetire) {
        boolean changed = false;
        for (Map.Entry<Path, String> p : present.entrySet()) {
            FileEntry entry = files.computeIfAbsent(p.getKey(), k -> new FileEntry());
            if (p.getValue().equals(entry.sha)) {
                continue;
            }
            entry.sha = p.getValue();
            entry.conflicted = false;
            LoadedPlugin candidate = tryLoad(p.getKey(), p.getValue(), entry);
            if (candidate == null) {
                continue;
            }
            entry.failure = null;
            if (entry.active != null) {
                toRetire.add(entry.active);
                LoadedPlugin old = entry.active;
                LOG.info(() -> "plugin " + old + " replaced by " + candidate + "; new requests use the new version");
            } else {
                LOG.info(() -> "plugin " + candidate + " loaded: filter types " + candidate.types());
            }
            entry.active = candidate;
            changed = true;
        }
        return changed;
    }

    /** Loads one file and checks it against the other files' plugins; on failure records it in {@code entry}. */
    private LoadedPlugin tryLoad(Path file, String sha, FileEntry entry) {
        LoadedPlugin candidate;
        try {
            candidate = loader.load(file, sha);
        } catch (PluginLoadException e) {
            fail(file, sha, e.pluginId(), e.version(), List.of(), e.getMessage(), e.getCause(), entry);
            return null;
        }
        String conflict = conflict(candidate, file);
        if (conflict != null) {
            candidate.retire(); // never leased: unloads now
            entry.conflicted = true;
            fail(file, sha, candidate.pluginId(), candidate.version(), candidate.types(), conflict, null, entry);
            return null;
        }
        since.put(candidate, Instant.now());
        return candidate;
    }

    private void fail(Path file, String sha, String id, String version, List<String> types, String message,
                      Throwable cause, FileEntry entry) {
        entry.failure = new PluginStatus(file, sha, id, version, PluginStatus.State.FAILED, types, message,
                Instant.now());
        String keeps = entry.active == null ? "" : "; the previous version " + entry.active + " keeps serving";
        LOG.log(Level.SEVERE, "plugin " + (id == null ? "" : "'" + id + "' ") + "from " + file + " NOT loaded: "
                + message + keeps, cause);
    }

    /** Why {@code candidate} may not be registered beside the other files' plugins, or null. */
    private String conflict(LoadedPlugin candidate, Path file) {
        for (String type : candidate.types()) {
            if (registry.builtin(type)) {
                return "filter type '" + type + "' is built into Portico; plugin '" + candidate.pluginId() + "' ("
                        + file.getFileName() + ") cannot provide it and is not registered";
            }
        }
        for (Map.Entry<Path, FileEntry> e : files.entrySet()) {
            LoadedPlugin other = e.getValue().active;
            if (e.getKey().equals(file) || other == null) {
                continue;
            }
            if (other.pluginId().equals(candidate.pluginId())) {
                return "plugin id '" + candidate.pluginId() + "' (" + file.getFileName() + ") is already loaded from "
                        + other.file().getFileName() + "; '" + candidate.pluginId() + "' from " + file.getFileName()
                        + " is not registered";
            }
            for (String type : candidate.types()) {
                if (other.types().contains(type)) {
                    return "duplicate filter type '" + type + "': plugin '" + candidate.pluginId() + "' ("
                            + file.getFileName() + ") declares it, but plugin '" + other.pluginId() + "' ("
                            + other.file().getFileName() + ") already provides it; '" + candidate.pluginId()
                            + "' is not registered";
                }
            }
        }
        return null;
    }

    private Map<String, FilterRegistry.Registration> catalog() {
        Map<String, FilterRegistry.Registration> c = new LinkedHashMap<>();
        for (FileEntry e : files.values()) {
            if (e.active != null) {
                for (var f : e.active.factories()) {
                    c.put(f.type(), new FilterRegistry.Registration(f, e.active));
                }
            }
        }
        return c;
    }

    /** The plugin files of the folder with their checksums, by name; unreadable ones are left out (retried later). */
    private Map<Path, String> list() {
        Map<Path, String> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (name.startsWith(".") || !(lower.endsWith(".jar") || lower.endsWith(".zip"))
                        || !Files.isRegularFile(p)) {
                    continue;
                }
                try {
                    out.put(p, Checksums.sha256(p));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot read plugin file " + p + "; it is skipped until it changes", e);
                }
            }
        } catch (NoSuchFileException e) {
            // no folder, no plugins (warned at open)
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list plugins.dir " + dir + "; nothing changed", e);
            Map<Path, String> unchanged = new TreeMap<>();
            files.forEach((p, f) -> unchanged.put(p, f.sha));
            return unchanged;
        }
        return out;
    }

    /**
     * Every plugin file and version the host knows, for {@code /admin/plugins}: the active version of each
     * file, the last failed attempt of each file (if its current content failed), and retired versions not
     * unloaded yet. Ordered by file.
     */
    public synchronized List<PluginStatus> status() {
        List<PluginStatus> out = new ArrayList<>();
        retiring.removeIf(p -> {
            boolean gone = p.unloaded();
            if (gone) {
                since.remove(p);
            }
            return gone;
        });
        new TreeMap<>(files).forEach((file, e) -> {
            if (e.active != null) {
                out.add(status(e.active, PluginStatus.State.ACTIVE));
            }
            if (e.failure != null) {
                out.add(e.failure);
            }
        });
        for (LoadedPlugin p : retiring) {
            out.add(status(p, PluginStatus.State.RETIRED));
        }
        return List.copyOf(out);
    }

    private PluginStatus status(LoadedPlugin p, PluginStatus.State state) {
        return new PluginStatus(p.file(), p.sha256(), p.pluginId(), p.version(), state, p.types(), null,
                since.getOrDefault(p, Instant.now()));
    }

    /**
     * Stops watching, empties the registry and retires every version: those no lease holds are stopped and
     * unloaded now, the others when their last lease is released. Blocking; idempotent.
     */
    @Override
    public void close() {
        ConfigWatcher w;
        List<LoadedPlugin> all = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            w = watcher;
            watcher = null;
            registry.publish(Map.of());
            for (FileEntry e : files.values()) {
                if (e.active != null) {
                    all.add(e.active);
                }
            }
            files.clear();
            retiring.addAll(all);
        }
        if (w != null) {
            w.close();
        }
        all.forEach(LoadedPlugin::retire);
        try {
            Files.deleteIfExists(stagingRoot); // only when empty: leased versions delete their own folders later
        } catch (IOException e) {
            LOG.log(Level.FINE, "staging folder " + stagingRoot + " not deleted yet", e);
        }
    }
}
