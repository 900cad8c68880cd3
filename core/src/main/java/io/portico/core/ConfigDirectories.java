package io.portico.core;

import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.FilterTypes;
import io.portico.core.config.GatewayConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Finds {@code plugins.dir} and {@code scripts.dir} of a configuration file before the file can be
 * validated: the plugins and the script library must exist first, since the filter types they provide decide
 * whether the rest of the file is valid. Only the top-level section is read (through {@link ConfigLoader}, so
 * {@code ${VAR}} and relative paths behave exactly as in a full load). Stateless.
 */
final class ConfigDirectories {
    private ConfigDirectories() {
    }

    /** {@code plugins.dir} of {@code configFile}; see {@link #of}. */
    static Path plugins(Path configFile, Function<String, String> env) {
        return of(configFile, "plugins", env);
    }

    /** {@code scripts.dir} of {@code configFile}; see {@link #of}. */
    static Path scripts(Path configFile, Function<String, String> env) {
        return of(configFile, "scripts", env);
    }

    /**
     * {@code <section>.dir} ({@code plugins} or {@code scripts}) of {@code configFile}, absolute; the default
     * (the section's name beside the file) when the file or its section cannot be read (the full load reports
     * why). Blocking (reads the file); never throws.
     */
    private static Path of(Path configFile, String section, Function<String, String> env) {
        Path base = configFile.toAbsolutePath().normalize().getParent();
        Path fallback = (base == null ? Path.of("") : base).resolve(section).toAbsolutePath().normalize();
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(configFile));
            if (!(doc instanceof Map<?, ?> top) || !top.containsKey(section)) {
                return fallback;
            }
            String only = new Yaml().dump(Map.of(section, top.get(section)));
            GatewayConfig parsed = new ConfigLoader(FilterTypes.none(), env).parse(only, configFile.toString(), base);
            return (section.equals("plugins") ? parsed.plugins() : parsed.scripts()).dir();
        } catch (IOException | ConfigException | RuntimeException e) {
            return fallback;
        }
    }
}
