package io.portico.core.plugin;

import io.portico.api.FilterFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.pf4j.PluginManager;

/**
 * One started version of one plugin file, with its own PF4J {@link PluginManager} (so two versions of the
 * same plugin id can be loaded side by side) and its private staged copy of the file.
 *
 * <p>Reference counting: every {@link FilterRegistry.Lease} that can see this version holds one count.
 * Once the version is {@link #retire() retired} (replaced or removed) and the count is zero, it is stopped
 * and unloaded, its staged copy deleted and every reference to its objects dropped, so its class loader can
 * be collected. Thread-safe; {@link #release()} and {@link #retire()} may block while {@code Plugin.stop()}
 * runs.
 */
final class LoadedPlugin {
    private static final Logger LOG = Logger.getLogger(LoadedPlugin.class.getName());

    private final Path file;
    private final String sha256;
    private final String pluginId;
    private final String version;
    private final List<String> types;
    private Path stageDir; // under this
    private PluginManager manager; // under this; null once unloaded
    private List<FilterFactory<?>> factories; // under this
    private int leases; // under this
    private boolean retired; // under this

    LoadedPlugin(Path file, String sha256, String pluginId, String version, Path stageDir, PluginManager manager,
                 List<FilterFactory<?>> factories) {
        this.file = file;
        this.sha256 = sha256;
        this.pluginId = pluginId;
        this.version = version;
        this.stageDir = stageDir;
        this.manager = manager;
        this.factories = List.copyOf(factories);
        this.types = this.factories.stream().map(FilterFactory::type).toList();
    }

    Path file() {
        return file;
    }

    String sha256() {
        return sha256;
    }

    String pluginId() {
        return pluginId;
    }

    String version() {
        return version;
    }

    /** The filter types, in extension order. */
    List<String> types() {
        return types;
    }

    /** The factories; empty once unloaded. */
    synchronized List<FilterFactory<?>> factories() {
        return factories;
    }

    /** Takes one lease; false if already unloaded (the caller must not use this version). */
    synchronized boolean acquire() {
        if (manager == null) {
            return false;
        }
        leases++;
        return true;
    }

    /** Gives one lease back; unloads if this was the last one of a retired version. */
    void release() {
        synchronized (this) {
            if (leases == 0) {
                throw new IllegalStateException("release without acquire for " + this);
            }
            leases--;
            if (!retired || leases > 0) {
                return;
            }
        }
        unload();
    }

    /** Marks this version replaced or removed; unloads now if no lease holds it. Idempotent. */
    void retire() {
        synchronized (this) {
            retired = true;
            if (leases > 0) {
                return;
            }
        }
        unload();
    }

    synchronized boolean retired() {
        return retired;
    }

    synchronized boolean unloaded() {
        return manager == null;
    }

    /** Stops and unloads the plugin, deletes the staged copy and drops every reference. Idempotent. */
    void unload() {
        PluginManager m;
        Path stage;
        synchronized (this) {
            m = manager;
            stage = stageDir;
            manager = null;
            stageDir = null;
            factories = List.of();
        }
        if (m == null) {
            return;
        }
        try {
            m.stopPlugins();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "plugin " + this + ": stopping it failed; unloading it anyway", e);
        }
        try {
            m.unloadPlugins();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "plugin " + this + ": unloading it failed", e);
        }
        deleteTree(stage);
        LOG.info(() -> "plugin " + this + " unloaded");
    }

    /** Deletes a folder and its content, best effort (a failure is logged at FINE). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot delete " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "'" + pluginId + "' " + version + " (" + file.getFileName() + ", sha256 " + sha256.substring(0, 12)
                + ")";
    }
}
