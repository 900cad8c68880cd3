package io.portico.core;

import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.FilterTypes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Finds {@code plugins.dir} of a configuration file before the file can be validated: the plugins must be
 * loaded first, since the filter types they provide decide whether the rest of the file is valid. Only the
 * top-level {@code plugins:} section is read (through {@link ConfigLoader}, so {@code ${VAR}} and relative
 * paths behave exactly as in a full load). Stateless.
 */
final class PluginsDirectory {
    private PluginsDirectory() {
    }

    /**
     * {@code plugins.dir} of {@code configFile}, absolute; the default ({@code plugins} beside the file) when
     * the file or its {@code plugins:} section cannot be read (the full load reports why). Blocking (reads the
     * file); never throws.
     */
    static Path of(Path configFile, Function<String, String> env) {
        Path base = configFile.toAbsolutePath().normalize().getParent();
        Path fallback = (base == null ? Path.of("") : base).resolve("plugins").toAbsolutePath().normalize();
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(configFile));
            if (!(doc instanceof Map<?, ?> top) || !top.containsKey("plugins")) {
                return fallback;
            }
            String only = new Yaml().dump(Map.of("plugins", top.get("plugins")));
            return new ConfigLoader(FilterTypes.none(), env).parse(only, configFile.toString(), base).plugins().dir();
        } catch (IOException | ConfigException | RuntimeException e) {
            return fallback;
        }
    }
}
