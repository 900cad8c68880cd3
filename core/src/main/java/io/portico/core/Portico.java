package io.portico.core;

import io.portico.core.admin.AdminServer;
import io.portico.core.admin.AdminSources;
import io.portico.core.chain.ChainBuilder;
import io.portico.core.chain.ChainException;
import io.portico.core.config.ConfigError;
import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.plugin.PluginHost;
import io.portico.core.script.ScriptFilterFactory;
import io.portico.core.aggregate.Aggregators;
import io.portico.core.aggregate.PartObserver;
import io.portico.core.script.ScriptLibrary;

import io.helidon.logging.common.LogConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The command line: {@code run [--config FILE]}, {@code validate FILE}, {@code version},
 * {@code hash-key KEY}. Exit codes: 0 success, 1 runtime failure (e.g. port in use), 2 invalid
 * configuration or usage. On SIGTERM or SIGINT a running gateway drains and exits 0.
 */
public final class Portico {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_INVALID = 2;

    private static final Logger LOG = Logger.getLogger(Portico.class.getName());

    private Portico() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime(); // logging.properties from the classpath unless -Djava.util.logging.config.file
        int code = run(args, System.out, System.err);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /** Runs a command; returns the exit code (for {@code run}, only when startup fails). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args.length == 0 ? "run" : args[0];
        switch (cmd) {
            case "run", "--config" -> {
                return serve(args, err);
            }
            case "validate" -> {
                if (args.length != 2) {
                    err.println("usage: portico validate FILE");
                    return EXIT_INVALID;
                }
                return validate(Path.of(args[1]), out, err);
            }
            case "version", "--version" -> {
                out.println("portico " + version());
                return EXIT_OK;
            }
            case "hash-key" -> {
                if (args.length != 2 || args[1].isEmpty()) {
                    err.println("usage: portico hash-key KEY");
                    return EXIT_INVALID;
                }
                out.println(hashKey(args[1]));
                return EXIT_OK;
            }
            case "help", "--help", "-h" -> {
                out.println(usage());
                return EXIT_OK;
            }
            default -> {
                err.println("unknown command '" + cmd + "'\n" + usage());
                return EXIT_INVALID;
            }
        }
    }

    /** Held so its level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger PLUGIN_LOG = java.util.logging.Logger.getLogger("io.portico.core.plugin");
    private static final java.util.logging.Logger SCRIPT_LOG = java.util.logging.Logger.getLogger("io.portico.core.script");

    private static int serve(String[] args, PrintStream err) {
        Path config = Path.of("conf/portico.yaml");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            } else if (!args[i].equals("run")) {
                err.println("unexpected argument '" + args[i] + "'\n" + usage());
                return EXIT_INVALID;
            }
        }
        Preload.start(); // Helidon initializes on another core while plugins and the config load
        ScriptLibrary scripts = new ScriptLibrary(ConfigDirectories.scripts(config, System::getenv));
        PluginHost plugins = openPlugins(config, scripts, err);
        if (plugins == null) {
            scripts.close();
            return EXIT_FAILURE;
        }
        Runnable closeFilters = () -> {
            plugins.close();
            scripts.close();
        };
        // SIGTERM/SIGINT are handled from here on, before anything listens: a signal that arrives while the
        // gateway starts (a supervisor that stops it right after the port opens) still ends in an orderly exit 0
        AtomicReference<Runnable> stop = new AtomicReference<>(closeFilters);
        CountDownLatch stopped = new CountDownLatch(1);
        Shutdown.onSignal(() -> {
            stop.get().run();
            LOG.info("stopped");
            stopped.countDown();
            System.exit(EXIT_OK);
        });
        GatewayConfig cfg;
        ConfigLoader loader = loader(plugins);
        try {
            cfg = loader.load(config);
        } catch (ConfigException e) {
            printErrors(e, err);
            closeFilters.run();
            return EXIT_INVALID;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(cfg, plugins.registry(), null, scripts::resolveMerge);
        } catch (ChainException e) {
            printErrors(e, err);
            closeFilters.run();
            return EXIT_INVALID;
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            err.println("portico: " + e.getMessage());
            closeFilters.run();
            return EXIT_FAILURE;
        }
        gateway.telemetry().metrics().scripts(scripts::slots);
        gateway.telemetry().metrics().plugins(plugins::status);
        AdminServer admin;
        try {
            admin = cfg.admin().port() == -1 ? null
                    : AdminServer.start(cfg.admin(), AdminSources.of(gateway, plugins, scripts, loader),
                            gateway.telemetry().metrics());
        } catch (IllegalStateException e) {
            err.println("portico: " + e.getMessage());
            gateway.stop();
            closeFilters.run();
            return EXIT_FAILURE;
        }
        gateway.watchConfig(config, loader);
        // a plugin that appears, changes or goes away may make the configuration valid or invalid: reload it
        plugins.watch(() -> gateway.reloadNow(false));
        // a script that became usable or changed phase: rebuild the chains even if the file is unchanged
        scripts.watch(() -> gateway.reloadNow(true));
        stop.set(() -> {
            LOG.info("shutting down: draining requests in flight (up to " + cfg.server().shutdownGrace() + ")");
            gateway.stop(); // /health/ready answers 503 from here on, while requests drain
            if (admin != null) {
                admin.stop();
            }
            closeFilters.run();
        });
        LOG.info(() -> "Portico " + version() + " serving on http://" + cfg.server().host() + ":" + gateway.port()
                + " with " + cfg.routes().size() + " route(s), " + cfg.upstreams().size() + " upstream(s), "
                + plugins.registry().types().size() + " filter type(s) (plugins from " + plugins.dir()
                + ", scripts from " + scripts.dir() + ")"
                + (cfg.demo().enabled() ? "; demo upstream on " + cfg.demo().host() + ":" + cfg.demo().port() : ""));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    /**
     * Loads the configuration with the plugins and scripts it names and builds its filter chains (so a
     * factory refusing its settings, a missing script or a script that does not compile is reported too),
     * without starting anything.
     */
    private static int validate(Path file, PrintStream out, PrintStream err) {
        // validate prints a verdict: the plugin host's load/unload lines are noise here (failures still show)
        java.util.logging.Level pluginLevel = PLUGIN_LOG.getLevel();
        java.util.logging.Level scriptLevel = SCRIPT_LOG.getLevel();
        PLUGIN_LOG.setLevel(java.util.logging.Level.WARNING);
        SCRIPT_LOG.setLevel(java.util.logging.Level.WARNING);
        try {
            return validateQuietly(file, out, err);
        } finally {
            PLUGIN_LOG.setLevel(pluginLevel);
            SCRIPT_LOG.setLevel(scriptLevel);
        }
    }

    private static int validateQuietly(Path file, PrintStream out, PrintStream err) {
        ScriptLibrary scripts = new ScriptLibrary(ConfigDirectories.scripts(file, System::getenv));
        PluginHost plugins = openPlugins(file, scripts, err);
        if (plugins == null) {
            scripts.close();
            return EXIT_FAILURE;
        }
        try {
            GatewayConfig cfg = loader(plugins).load(file);
            new ChainBuilder(plugins.registry(), cfg.server().maxBodySize()).build(cfg);
            Aggregators.build(cfg, scripts::resolveMerge, PartObserver.NONE); // merge scripts load
            out.println(file + ": valid");
            return EXIT_OK;
        } catch (ConfigException e) {
            printErrors(e, err);
            return EXIT_INVALID;
        } catch (ChainException e) {
            printErrors(e, err);
            return EXIT_INVALID;
        } finally {
            plugins.close();
            scripts.close();
        }
    }

    /**
     * Loads the plugins of {@code config}'s {@code plugins.dir}, beside the built-in {@code script} type of
     * {@code scripts}; null (reported) if that is impossible.
     */
    private static PluginHost openPlugins(Path config, ScriptLibrary scripts, PrintStream err) {
        try {
            return PluginHost.open(ConfigDirectories.plugins(config, System::getenv),
                    List.of(new ScriptFilterFactory(scripts)));
        } catch (IOException e) {
            err.println("portico: cannot create the plugin staging folder: " + e.getMessage());
            return null;
        }
    }

    /** A loader that binds filter entries to the config records of the loaded plugins' types. */
    private static ConfigLoader loader(PluginHost plugins) {
        return new ConfigLoader(plugins.registry(), System::getenv);
    }

    private static void printErrors(ChainException e, PrintStream err) {
        e.errors().forEach(err::println);
        err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors") + " in configuration");
    }

    private static void printErrors(ConfigException e, PrintStream err) {
        for (ConfigError error : e.errors()) {
            err.println(error);
        }
        err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors") + " in configuration");
    }

    static String hashKey(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** This build's version ({@code 0.1.0-SNAPSHOT}), or {@code unknown}. */
    public static String version() {
        try (InputStream in = Portico.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String usage() {
        return """
                usage: portico [run] [--config FILE]   start the gateway (default config: conf/portico.yaml)
                       portico validate FILE           check a config; prints every error with file, line and key
                       portico version                 print the version
                       portico hash-key KEY            print sha256:<hex> for consumers[].api-keys""";
    }
}
