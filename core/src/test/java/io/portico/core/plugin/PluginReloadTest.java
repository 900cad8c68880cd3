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
        while (old.get() != null) { // the previous lease is released once its requests have ended
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

    /**
     * Real requests through the gateway's filter chain while the plugin is replaced twice: none fails, the new
     * version answers within 2 s, and the old versions' class loaders are collected.
     */
    @Test
    void hotReplaceUnderLoadFailsNoRequest() throws Exception {
        hello("v1");
        writeConfig("[ { type: hello } ]\nupstreams: { up: { targets: [ \"http://127.0.0.1:9\" ] } }\n"
                + "routes: [ { id: all, match: { path: /** }, upstream: up } ]");
        start();
        WeakReference<ClassLoader> v1 = leasedLoader();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/x");
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    try {
                        var r = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200 && r.headers().firstValue("X-Version").isPresent()) {
                            seen.add(r.headers().firstValue("X-Version").get());
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.headers().map());
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        WeakReference<ClassLoader> v2;
        try {
            await("v1 served", HOT, () -> seen.contains("v1"));
            hello("v22");
            await("v22 served", HOT, () -> seen.contains("v22"));
            v2 = leasedLoader();
            hello("v333");
            await("v333 served", HOT, () -> seen.contains("v333"));
            Thread.sleep(200);
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
        }
        System.out.println("gateway under load: " + ok.get() + " requests, " + failures.size() + " failed");
        assertThat(failures).isEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (v1.get() != null || v2.get() != null) {
            assertThat(System.nanoTime()).as("old plugin class loaders collected").isLessThan(deadline);
            System.gc();
            Thread.sleep(20);
        }
    }

    /**
     * A request still running on the previous configuration keeps its plugin version loaded, longer than
     * shutdown-grace (100ms here) if it must, and the version is unloaded as soon as that request ends.
     */
    @Test
    void aRequestStillRunningKeepsTheOldVersionLoadedUntilItEnds() throws Exception {
        Path hold = tmp.resolve("hold");
        Files.writeString(hold, "");
        String slow = """
                package slow;

                import io.portico.api.*;

                public class SlowFactory implements FilterFactory<SlowFactory.Config> {
                    public record Config() {
                    }

                    public String type() { return "hello"; }

                    public Phase phase() { return Phase.TRANSFORM; }

                    public Class<Config> configType() { return Config.class; }

                    public GatewayFilter create(Config config, FilterContext context) {
                        java.nio.file.Path hold = java.nio.file.Path.of(System.getProperty("portico.test.hold"));
                        return exchange -> {
                            while (java.nio.file.Files.exists(hold)) {
                                try {
                                    Thread.sleep(10);
                                } catch (InterruptedException e) {
                                    break;
                                }
                            }
                            return Decision.respond(200).header("X-Version", "slow");
                        };
                    }
                }
                """;
        System.setProperty("portico.test.hold", hold.toString());
        jars.plugin("hello-plugin", "1.0.0").source("slow.SlowFactory", slow).extension("slow.SlowFactory")
                .jarTo(dir.resolve("hello.jar"));
        writeConfig("[ { type: hello } ]\nupstreams: { up: { targets: [ \"http://127.0.0.1:9\" ] } }\n"
                + "routes: [ { id: all, match: { path: /** }, upstream: up } ]");
        start();
        WeakReference<ClassLoader> v1 = leasedLoader();
        var http = java.net.http.HttpClient.newHttpClient();
        var uri = java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/x");
        var slowRequest = http.sendAsync(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        var admission = gateway.snapshot().admission();
        await("the slow request is inside", HOT, () -> admission.inside() == 1);

        hello("v22");
        // (don't run the filter here to check: the old one would block this thread)
        await("the new version is leased", HOT,
                () -> gateway.filterLease().factory("hello").getClass().getClassLoader() != v1.get());
        var fresh = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(fresh.headers().firstValue("X-Version")).hasValue("v22");
        // well past shutdown-grace: the old version must still be loaded for the request that uses it
        Thread.sleep(500);
        System.gc();
        assertThat(v1.get()).as("old version still loaded while its request runs").isNotNull();
        assertThat(admission.inside()).isEqualTo(1);

        Files.delete(hold);
        assertThat(slowRequest.get(5, java.util.concurrent.TimeUnit.SECONDS).headers().firstValue("X-Version"))
                .hasValue("slow");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (v1.get() != null) {
            assertThat(System.nanoTime()).as("old plugin class loader collected once its request ended")
                    .isLessThan(deadline);
            System.gc();
            Thread.sleep(20);
        }
    }
}
