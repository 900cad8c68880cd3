package io.portico.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.ConfigReload;
import io.portico.core.Gateway;
import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin host wired to a running gateway the way {@code Portico run} wires it. */
class PluginReloadTest {
    private static final Duration HOT = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    Path dir;
    Path config;
    PluginJars jars;
    PluginHost host;
    Gateway gateway;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("plugins"));
        config = tmp.resolve("portico.yaml");
        jars = new PluginJars(Files.createDirectories(tmp.resolve("work")));
    }

    @AfterEach
    void tearDown() {
        if (gateway != null) {
            gateway.stop();
        }
        if (host != null) {
            host.close();
        }
    }

    private void writeConfig(String filters) throws IOException {
        Files.writeString(config, """
                server: { port: 0, shutdown-grace: 100ms }
                plugins: { dir: plugins }
                filters: %s
                """.formatted(filters));
    }

    /** Like {@code Portico run}: plugins first, then the config bound against them, then both watches. */
    private void start() throws IOException, ConfigException {
        host = PluginHost.open(dir, tmp.resolve("staging"));
        ConfigLoader loader = new ConfigLoader(host.registry(), System::getenv);
        gateway = Gateway.start(loader.load(config), host.registry()).watchConfig(config, loader);
        host.watch(() -> {
            ConfigReload r = gateway.reload();
            if (r != null) {
                r.reload();
            }
        });
    }

    private Path hello(String tag) throws IOException {
        return jars.plugin("hello-plugin", "1.0." + tag.length()).factory("demo", "HelloFactory", "hello", tag)
                .jarTo(dir.resolve("hello.jar"));
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    private String leaseBehaviour() {
        return PluginHostTest.behaviour(gateway.filterLease().factory("hello"));
    }

    private WeakReference<ClassLoader> leasedLoader() {
        return new WeakReference<>(gateway.filterLease().factory("hello").getClass().getClassLoader());
    }

    @Test
    void configNamingAMissingTypeBecomesValidWhenThePluginArrives() throws Exception {
        writeConfig("[]");
        start();
        writeConfig("[ { type: hello } ]");
        await("invalid reload reported", HOT, () -> gateway.reload().status() != null
                && !gateway.reload().status().errors().isEmpty());
        assertThat(gateway.config().filters()).isEmpty();

        hello("v1");
        await("config applied once the type exists", HOT, () -> gateway.config().filters().size() == 1);
        assertThat(gateway.config().filters().getFirst().config().getClass().getClassLoader())
                .isSameAs(host.registry().factory("hello").getClass().getClassLoader());
        assertThat(leaseBehaviour()).isEqualTo("v1");
    }

    @Test
    void hotReplaceRebindsTheConfigAndUnloadsTheOldVersion() throws Exception {
        hello("v1");
        writeConfig("[ { type: hello } ]");
        start();
        assertThat(leaseBehaviour()).isEqualTo("v1");
        WeakReference<ClassLoader> old = leasedLoader();

        long t0 = System.nanoTime();
        hello("v22");
        await("the gateway's configuration uses the new version", HOT, () -> "v22".equals(leaseBehaviour()));
        System.out.println("gateway hot replace: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(gateway.config().filters().getFirst().config().getClass().getClassLoader())
                .isNotSameAs(old.get());

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (old.get() != null) { // the previous lease is released after shutdown-grace (100ms)
            assertThat(System.nanoTime()).as("old plugin class loader collected").isLessThan(deadline);
            System.gc();
            Thread.sleep(20);
        }
        assertThat(host.status()).extracting(PluginStatus::state).containsExactly(PluginStatus.State.ACTIVE);
    }

    @Test
    void removalKeepsTheRunningConfigAndItsPluginUntilReplaced() throws Exception {
        hello("v1");
        writeConfig("[ { type: hello } ]");
        start();

        Files.delete(dir.resolve("hello.jar"));
        await("type unregistered", HOT, () -> host.registry().types().isEmpty());
        await("reload refused", HOT, () -> gateway.reload().status() != null
                && !gateway.reload().status().errors().isEmpty());
        assertThat(leaseBehaviour()).isEqualTo("v1"); // still serving with the old filters
        assertThat(host.status()).extracting(PluginStatus::state).containsExactly(PluginStatus.State.RETIRED);

        writeConfig("[]"); // a config without the type: the old version is unloaded after the grace
        await("unloaded", Duration.ofSeconds(5), () -> host.status().isEmpty());
        assertThat(gateway.filterLease().factory("hello")).isNull();
    }
}
