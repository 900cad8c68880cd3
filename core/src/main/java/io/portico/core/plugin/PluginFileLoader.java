package io.portico.core.plugin;

import io.portico.api.FilterFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one plugin file: copies it to a private staging folder named after its checksum, loads and starts it
 * with its own {@link HostPluginManager}, and collects and validates its {@link FilterFactory} extensions.
 * Blocking (file copy, {@code Plugin.start()}); called only from the host's scan. Stateless apart from the
 * staging root.
 */
final class PluginFileLoader {
    /** What a filter type name must look like. */
    static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private final Path stagingRoot;

    PluginFileLoader(Path stagingRoot) {
        this.stagingRoot = stagingRoot;
    }

    /**
     * Loads and starts {@code file} (content hash {@code sha256}).
     *
     * @throws PluginLoadException with a message for the operator; everything it created is released first
     */
    LoadedPlugin load(Path file, String sha256) throws PluginLoadException {
        String name = file.getFileName().toString();
        Path stage = stagingRoot.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + sha256.substring(0, 16));
        HostPluginManager manager = null;
        String id = null;
        String version = null;
        try {
            LoadedPlugin.deleteTree(stage);
            Files.createDirectories(stage);
            Path staged = stage.resolve(name);
            Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
            manager = new HostPluginManager(stage);
            try {
                id = manager.loadPlugin(staged);
            } catch (RuntimeException | LinkageError e) {
                throw new PluginLoadException(null, null, "cannot load the plugin (bad or missing manifest, not a"
                        + " jar or zip?): " + describe(e), e);
            }
            if (id == null) {
                throw new PluginLoadException(null, null, "cannot load the plugin (not a readable jar or zip)", null);
            }
            PluginWrapper w = manager.getPlugin(id);
            version = w.getDescriptor().getVersion();
            String requires = w.getDescriptor().getRequires();
            if (requires != null && !requires.isBlank() && !requires.strip().equals("*")
                    && !manager.getVersionManager().checkVersionConstraint(manager.getSystemVersion(), requires)) {
                throw new PluginLoadException(id, version, "the plugin requires Portico " + requires.strip()
                        + ", this is " + manager.getSystemVersion(), null);
            }
            checkExtensionClasses(manager, w, id, version);
            PluginState state;
            try {
                state = manager.startPlugin(id);
            } catch (RuntimeException | LinkageError e) {
                throw new PluginLoadException(id, version, "Plugin.start() failed: " + describe(e), e);
            }
            if (state != PluginState.STARTED) {
                Throwable cause = w.getFailedException();
                throw new PluginLoadException(id, version, "the plugin did not start (state " + state + ")"
                        + (cause == null ? "" : ": " + describe(cause)), cause);
            }
            List<FilterFactory<?>> factories = factories(manager, id, version);
            return new LoadedPlugin(file, sha256, id, version, stage, manager, factories);
        } catch (PluginLoadException e) {
            discard(manager, stage);
            throw e;
        } catch (IOException e) {
            discard(manager, stage);
            throw new PluginLoadException(id, version, "cannot stage the file: " + describe(e), e);
        } catch (RuntimeException | LinkageError e) {
            discard(manager, stage);
            throw new PluginLoadException(id, version, describe(e), e);
        }
    }

    /** Every class named in {@code META-INF/extensions.idx} must load: PF4J would only log and skip it. */
    private static void checkExtensionClasses(HostPluginManager manager, PluginWrapper w, String id, String version)
            throws PluginLoadException {
        Set<String> names = manager.getExtensionClassNames(id);
        if (names == null || names.isEmpty()) {
            throw new PluginLoadException(id, version, "the plugin declares no extensions: META-INF/extensions.idx"
                    + " is missing or empty (compile with pf4j's ExtensionAnnotationProcessor, javac -proc:full)",
                    null);
        }
        for (String cls : names) {
            try {
                Class.forName(cls, false, w.getPluginClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PluginLoadException(id, version, "extension class " + cls
                        + " listed in META-INF/extensions.idx cannot be loaded: " + describe(e), e);
            }
        }
    }

    private static List<FilterFactory<?>> factories(HostPluginManager manager, String id, String version)
            throws PluginLoadException {
        List<FilterFactory<?>> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        @SuppressWarnings("rawtypes")
        List<FilterFactory> found;
        try {
            found = manager.getExtensions(FilterFactory.class, id);
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(id, version, "cannot instantiate its extensions: " + describe(e), e);
        }
        if (found.isEmpty()) {
            throw new PluginLoadException(id, version, "the plugin has no FilterFactory extension (is it annotated"
                    + " with @Extension, and does it implement io.portico.api.FilterFactory from the gateway's"
                    + " plugin-api?)", null);
        }
        for (FilterFactory<?> f : found) {
            String type = validate(f, id, version);
            if (!seen.add(type)) {
                throw new PluginLoadException(id, version, "two of its factories declare filter type '" + type
                        + "'", null);
            }
            out.add(f);
        }
        return out;
    }

    /** Checks one factory's declarations; @return its type. */
    static String validate(FilterFactory<?> f, String id, String version) throws PluginLoadException {
        String cls = f.getClass().getName();
        try {
            String type = f.type();
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new PluginLoadException(id, version, cls + ".type() must match [a-z0-9][a-z0-9-]*, got "
                        + (type == null ? "null" : "'" + type + "'"), null);
            }
            if (f.phase() == null) {
                throw new PluginLoadException(id, version, cls + ".phase() returned null (filter type '" + type
                        + "')", null);
            }
            Class<?> config = f.configType();
            if (config == null || !config.isRecord()) {
                throw new PluginLoadException(id, version, cls + ".configType() must be a record class, got "
                        + (config == null ? "null" : config.getName()) + " (filter type '" + type + "')", null);
            }
            return type;
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(id, version, cls + " failed while declaring its type, phase or config: "
                    + describe(e), e);
        }
    }

    private static void discard(HostPluginManager manager, Path stage) {
        if (manager != null) {
            try {
                manager.stopPlugins();
                manager.unloadPlugins();
            } catch (RuntimeException | LinkageError ignored) {
                // the failure being reported matters more
            }
        }
        LoadedPlugin.deleteTree(stage);
    }

    static String describe(Throwable e) {
        Throwable root = e;
        StringBuilder sb = new StringBuilder(e.toString());
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            sb.append("; caused by ").append(root);
        }
        return sb.toString();
    }
}
