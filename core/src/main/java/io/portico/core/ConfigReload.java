package io.portico.core;

import io.portico.core.chain.ChainException;

import io.portico.core.config.ConfigError;
import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.ConfigWatcher;
import io.portico.core.config.GatewayConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hot reload of a running gateway's configuration: the folders of the config file and of everything it
 * includes are watched; once a burst of changes settles ({@link #DEBOUNCE}), the file is read and validated
 * on the watcher's thread (never on the request path). A valid configuration that differs from the one in
 * effect is handed to {@link Gateway#apply(GatewayConfig)}; an invalid one changes nothing: the previous
 * configuration keeps serving and every error is logged with its file and line, and kept in
 * {@link #status()} for the admin API. Reloads never overlap. Thread-safe.
 */
public final class ConfigReload implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigReload.class.getName());
    /** Quiet time after the last file event before the configuration is read. */
    static final Duration DEBOUNCE = Duration.ofMillis(200);

    /**
     * The outcome of the last reload attempt.
     *
     * @param at      when it ended
     * @param applied whether a new configuration was published (false: invalid, or nothing changed)
     * @param errors  the problems that kept an invalid configuration out (empty otherwise)
     */
    public record Status(Instant at, boolean applied, List<ConfigError> errors) {
        public Status {
            errors = List.copyOf(errors);
        }
    }

    private final Gateway gateway;
    private final Path file;
    private final ConfigLoader loader;
    private final ConfigWatcher watcher;
    private volatile Status status;

    private ConfigReload(Gateway gateway, Path file, ConfigLoader loader) {
        this.gateway = gateway;
        this.file = file;
        this.loader = loader;
        this.watcher = new ConfigWatcher(DEBOUNCE, this::reload);
    }

    static ConfigReload start(Gateway gateway, Path file, ConfigLoader loader) {
        ConfigReload r = new ConfigReload(gateway, file, loader);
        r.watcher.watch(gateway.config().watchedDirectories());
        return r;
    }

    /** The last reload attempt, or null before the first. */
    public Status status() {
        return status;
    }

    /**
     * Reads, validates and (if valid and different) applies the configuration file now. Called by the
     * watcher; public for an admin endpoint and tests. Never throws for bad input.
     *
     * @return whether a new configuration was applied
     */
    public synchronized boolean reload() {
        return reload(false);
    }

    /**
     * Like {@link #reload()}; with {@code rebuild}, a configuration equal to the one in effect is applied
     * anyway (its filter chains are built anew), for changes outside the file that filters depend on, such
     * as a script that changed phase or became loadable.
     */
    public synchronized boolean reload(boolean rebuild) {
        GatewayConfig next;
        try {
            next = loader.load(file);
        } catch (ConfigException e) {
            status = new Status(Instant.now(), false, e.errors());
            gateway.telemetry().metrics().configReload(false);
            StringBuilder msg = new StringBuilder("configuration NOT reloaded, the previous one keeps serving: ")
                    .append(e.errors().size()).append(" error(s)");
            for (ConfigError err : e.errors()) {
                msg.append("\n  ").append(err);
            }
            LOG.severe(msg.toString());
            return false;
        }
        watcher.watch(next.watchedDirectories());
        GatewayConfig current = gateway.config();
        if (!rebuild && next.withRestartOnly(current).equals(current)) {
            if (next.restartOnlyChanges(current).isEmpty()) {
                LOG.fine("configuration files changed, but the configuration did not");
            } else {
                LOG.warning("configuration: only sections that need a restart changed (server, admin, demo, "
                        + "plugins, scripts); the running values are kept until Portico restarts");
            }
            status = new Status(Instant.now(), false, List.of());
            return false;
        }
        try {
            gateway.apply(next);
        } catch (ChainException e) {
            // a filter refused its settings, or a script is missing or broken: errors name file and line
            List<ConfigError> errors = e.errors().stream()
                    .map(m -> new ConfigError(file.toString(), 0, "", m)).toList();
            status = new Status(Instant.now(), false, errors);
            gateway.telemetry().metrics().configReload(false);
            LOG.severe("configuration NOT reloaded, the previous one keeps serving: " + e.errors().size()
                    + " error(s)\n  " + String.join("\n  ", e.errors()));
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "configuration NOT reloaded: applying it failed; the previous one keeps serving", e);
            status = new Status(Instant.now(), false, List.of());
            gateway.telemetry().metrics().configReload(false);
            return false;
        }
        status = new Status(Instant.now(), true, List.of());
        gateway.telemetry().metrics().configReload(true);
        return true;
    }

    @Override
    public void close() {
        watcher.close();
    }
}
