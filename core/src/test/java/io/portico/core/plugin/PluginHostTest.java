package io.portico.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.Decision;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
    private static final Duration HOT = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    Path dir;
    PluginJars jars;
    PluginHost host;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("plugins"));
        jars = new PluginJars(Files.createDirectories(tmp.resolve("work")));
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
    }

    private PluginHost open() throws IOException {
        host = PluginHost.open(dir, tmp.resolve("staging"));
        return host;
    }

    private Path hello(String file, String id, String tag) throws IOException {
        return jars.plugin(id, "1.0." + tag.length()).factory("demo", "HelloFactory", "hello", tag)
                .jarTo(dir.resolve(file));
    }

    /** Creates a filter from the factory and runs it; returns its X-Version answer. */
    static String behaviour(FilterFactory<?> f) {
        return run(f);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String run(FilterFactory f) {
        try {
            Constructor<?> c = f.configType().getDeclaredConstructor();
            c.setAccessible(true);
            GatewayFilter filter = f.create((Record) c.newInstance(), null);
            Decision d = filter.onRequest(null);
            return ((Decision.Respond) d).headers().getFirst().getValue();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WeakReference<ClassLoader> loaderOf(FilterRegistry registry, String type) {
        return new WeakReference<>(registry.factory(type).getClass().getClassLoader());
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

    private static void awaitCollected(WeakReference<?> ref) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ref.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the old plugin's class loader was not collected");
            }
            System.gc();
            Thread.sleep(20);
        }
    }

    private List<PluginStatus> failures() {
        return host.status().stream().filter(s -> s.state() == PluginStatus.State.FAILED).toList();
    }

    @Test
    void loadsPluginsPresentAtStart() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        open();

        FilterRegistry r = host.registry();
        assertThat(r.types()).containsExactly("hello");
        assertThat(r.pluginOf("hello")).isEqualTo("hello-plugin");
        assertThat(r.configType("hello")).isNotNull().matches(Class::isRecord);
        assertThat(r.configType("nope")).isNull();
        assertThat(r.factory("hello").phase()).isEqualTo(Phase.TRANSFORM);
        assertThat(r.factory("hello").getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(behaviour(r.factory("hello"))).isEqualTo("v1");
        assertThat(host.status()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(PluginStatus.State.ACTIVE);
            assertThat(s.pluginId()).isEqualTo("hello-plugin");
            assertThat(s.types()).containsExactly("hello");
            assertThat(s.file()).isEqualTo(dir.resolve("hello.jar"));
        });
    }

    @Test
    void zipPluginsLoadToo() throws Exception {
        Path inner = jars.plugin(null, null).factory("zipped", "ZipFactory", "zipped", "z1")
                .jarTo(tmp.resolve("work").resolve("zipped.jar"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("zipped.zip")))) {
            zip.putNextEntry(new ZipEntry("plugin.properties"));
            zip.write("plugin.id=zipped-plugin\nplugin.version=2.0.0\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("lib/zipped.jar"));
            Files.copy(inner, zip);
            zip.closeEntry();
        }
        open();
        assertThat(host.registry().pluginOf("zipped")).isEqualTo("zipped-plugin");
        assertThat(behaviour(host.registry().factory("zipped"))).isEqualTo("z1");
    }

    @Test
    void hotLoadMakesTypeUsableWithinTwoSecondsAndTriggersReload() throws Exception {
        AtomicInteger reloads = new AtomicInteger();
        open().watch(reloads::incrementAndGet);
        assertThat(host.registry().types()).isEmpty();

        long t0 = System.nanoTime();
        hello("hello.jar", "hello-plugin", "v1");
        await("type usable", HOT, () -> host.registry().factory("hello") != null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("hot load: type usable after " + ms + " ms");
        assertThat(behaviour(host.registry().factory("hello"))).isEqualTo("v1");
        await("config reload triggered", HOT, () -> reloads.get() == 1);
    }

    @Test
    void hotReplaceServesNewVersionAndUnloadsOldOnceReleased() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        AtomicInteger reloads = new AtomicInteger();
        open().watch(reloads::incrementAndGet);
        FilterRegistry r = host.registry();
        FilterRegistry.Lease inFlight = r.acquire(); // what a running config snapshot holds
        WeakReference<ClassLoader> oldLoader = loaderOf(r, "hello");

        long t0 = System.nanoTime();
        hello("hello.jar", "hello-plugin", "v22"); // same id, same class names, new content
        await("new version serves", HOT, () -> "v22".equals(behaviour(r.factory("hello"))));
        System.out.println("hot replace: new version after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        await("config reload triggered", HOT, () -> reloads.get() == 1);

        // the snapshot still holding the old version keeps working with it
        assertThat(behaviour(inFlight.factory("hello"))).isEqualTo("v1");
        assertThat(host.status()).extracting(PluginStatus::state)
                .containsExactly(PluginStatus.State.ACTIVE, PluginStatus.State.RETIRED);
        assertThat(oldLoader.get()).isNotNull();

        inFlight.release();
        assertThatThrownBy(() -> inFlight.factory("hello")).isInstanceOf(IllegalStateException.class);
        awaitCollected(oldLoader);
        assertThat(host.status()).extracting(PluginStatus::state).containsExactly(PluginStatus.State.ACTIVE);
        assertThat(behaviour(r.factory("hello"))).isEqualTo("v22");
        try (var staged = Files.list(tmp.resolve("staging"))) {
            assertThat(staged).hasSize(1); // the old version's staged copy is gone
        }
    }

    @Test
    void removalUnregistersAndUnloads() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        AtomicInteger reloads = new AtomicInteger();
        open().watch(reloads::incrementAndGet);
        WeakReference<ClassLoader> loader = loaderOf(host.registry(), "hello");

        Files.delete(dir.resolve("hello.jar"));
        await("type unregistered", HOT, () -> host.registry().factory("hello") == null);
        await("config reload triggered", HOT, () -> reloads.get() == 1);
        assertThat(host.status()).isEmpty();
        awaitCollected(loader);
    }

    @Test
    void pluginWhoseStartThrowsIsReportedAndOthersLoad() throws Exception {
        jars.plugin("boom-plugin", "1.0.0").manifest("Plugin-Class", "boom.BoomPlugin")
                .source("boom.BoomPlugin", """
                        package boom;
                        public class BoomPlugin extends org.pf4j.Plugin {
                            @Override
                            public void start() { throw new IllegalStateException("boom at start"); }
                        }
                        """)
                .factory("boom", "BoomFactory", "boom", "b").jarTo(dir.resolve("boom.jar"));
        hello("hello.jar", "hello-plugin", "v1");
        open();

        assertThat(host.registry().types()).containsExactly("hello");
        assertThat(failures()).singleElement().satisfies(s -> {
            assertThat(s.pluginId()).isEqualTo("boom-plugin");
            assertThat(s.file()).isEqualTo(dir.resolve("boom.jar"));
            assertThat(s.error()).contains("boom at start");
        });
    }

    @Test
    void pluginRequiringAnotherPorticoVersionIsRefusedAndACompatibleOneLoads() throws Exception {
        jars.plugin("future-plugin", "1.0.0").manifest("Plugin-Requires", ">=99.0.0")
                .factory("future", "FutureFactory", "future", "f").jarTo(dir.resolve("future.jar"));
        jars.plugin("hello-plugin", "1.0.0").manifest("Plugin-Requires", ">=0.1.0")
                .factory("demo", "HelloFactory", "hello", "v1").jarTo(dir.resolve("hello.jar"));
        open();

        assertThat(host.registry().types()).containsExactly("hello");
        assertThat(failures()).singleElement().satisfies(s -> {
            assertThat(s.pluginId()).isEqualTo("future-plugin");
            assertThat(s.error()).contains("requires Portico >=99.0.0").contains("this is 0.1.0");
        });
        assertThat(HostPluginManager.releasePart("0.1.0-SNAPSHOT")).isEqualTo("0.1.0");
        assertThat(HostPluginManager.releasePart("unknown")).isEqualTo("0.0.0");
    }

    @Test
    void pluginWhoseFilterThrowsLoads() throws Exception {
        jars.plugin("throwing-plugin", "1.0.0").source("t.ThrowingFactory", """
                package t;
                import io.portico.api.*;
                @org.pf4j.Extension
                public class ThrowingFactory implements FilterFactory<ThrowingFactory.Config> {
                    public record Config() {}
                    public String type() { return "throwing"; }
                    public Phase phase() { return Phase.AUTHORIZE; }
                    public Class<Config> configType() { return Config.class; }
                    public GatewayFilter create(Config c, FilterContext ctx) {
                        return ex -> { throw new IllegalStateException("bug in filter"); };
                    }
                }
                """).extension("t.ThrowingFactory").jarTo(dir.resolve("throwing.jar"));
        open();
        assertThat(host.registry().factory("throwing").phase()).isEqualTo(Phase.AUTHORIZE);
        assertThatThrownBy(() -> behaviour(host.registry().factory("throwing"))).hasMessage("bug in filter");
    }

    @Test
    void duplicateTypeAcrossTwoJarsKeepsTheFirst() throws Exception {
        hello("a.jar", "plugin-a", "a");
        jars.plugin("plugin-b", "1.0.0").factory("other", "OtherFactory", "hello", "b").jarTo(dir.resolve("b.jar"));
        open();

        assertThat(host.registry().pluginOf("hello")).isEqualTo("plugin-a");
        assertThat(behaviour(host.registry().factory("hello"))).isEqualTo("a");
        assertThat(failures()).singleElement().satisfies(s -> {
            assertThat(s.pluginId()).isEqualTo("plugin-b");
            assertThat(s.error()).contains("'hello'", "plugin-a", "a.jar", "plugin-b", "b.jar");
        });
    }

    @Test
    void duplicateRefusedEarlierLoadsOnceTheFirstIsRemoved() throws Exception {
        hello("a.jar", "plugin-a", "a");
        jars.plugin("plugin-b", "1.0.0").factory("other", "OtherFactory", "hello", "b").jarTo(dir.resolve("b.jar"));
        open();
        assertThat(failures()).hasSize(1);
        Files.delete(dir.resolve("a.jar"));
        assertThat(host.scan()).isTrue();
        assertThat(host.registry().pluginOf("hello")).isEqualTo("plugin-b");
        assertThat(failures()).isEmpty();
    }

    @Test
    void corruptJarAndZipAreReported() throws Exception {
        Files.write(dir.resolve("corrupt.jar"), "not a jar at all".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("corrupt.zip"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        hello("hello.jar", "hello-plugin", "v1");
        open();

        assertThat(host.registry().types()).containsExactly("hello");
        assertThat(failures()).extracting(s -> s.file().getFileName().toString())
                .containsExactlyInAnyOrder("corrupt.jar", "corrupt.zip");
    }

    @Test
    void missingIndexMissingClassBadManifestAndInvalidFactoryAreReported() throws Exception {
        jars.plugin("no-index", "1.0.0").factory("ni", "F", "no-index", "x").noIndex().jarTo(dir.resolve("ni.jar"));
        jars.plugin("no-class", "1.0.0").extension("nc.Missing").jarTo(dir.resolve("nc.jar"));
        jars.plugin(null, "1.0.0").factory("nm", "F", "no-manifest", "x").jarTo(dir.resolve("nm.jar"));
        jars.plugin("bad-type", "1.0.0").factory("bt", "F", "Bad_Type", "x").jarTo(dir.resolve("bt.jar"));
        open();

        assertThat(host.registry().types()).isEmpty();
        assertThat(failures()).hasSize(4).allSatisfy(s -> assertThat(s.error()).isNotBlank());
        assertThat(error("ni.jar")).contains("extensions.idx");
        assertThat(error("nc.jar")).contains("nc.Missing");
        assertThat(error("bt.jar")).contains("Bad_Type");
        System.out.println("bad manifest: " + error("nm.jar"));
    }

    private String error(String file) {
        return failures().stream().filter(s -> s.file().getFileName().toString().equals(file)).findFirst()
                .orElseThrow().error();
    }

    @Test
    void failedReplacementKeepsOldVersionServing() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        open().watch(() -> { });
        Files.write(dir.resolve("hello.jar.tmp"), "garbage".getBytes(StandardCharsets.UTF_8));
        Files.move(dir.resolve("hello.jar.tmp"), dir.resolve("hello.jar"), StandardCopyOption.REPLACE_EXISTING);
        await("failure reported", HOT, () -> !failures().isEmpty());
        assertThat(behaviour(host.registry().factory("hello"))).isEqualTo("v1");
        assertThat(host.status()).extracting(PluginStatus::state)
                .containsExactly(PluginStatus.State.ACTIVE, PluginStatus.State.FAILED);
    }

    @Test
    void closeUnloadsEverything() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        open();
        WeakReference<ClassLoader> loader = loaderOf(host.registry(), "hello");
        host.close();
        assertThat(host.registry().types()).isEmpty();
        awaitCollected(loader);
        host = null;
    }


    @Test
    void failedFileIsRetriedWhenItChanges() throws Exception {
        Files.write(dir.resolve("hello.jar"), "half-written".getBytes(StandardCharsets.UTF_8));
        AtomicInteger reloads = new AtomicInteger();
        open().watch(reloads::incrementAndGet);
        assertThat(failures()).hasSize(1);
        assertThat(host.scan()).isFalse(); // same content: not retried

        hello("hello.jar", "hello-plugin", "v1");
        await("fixed file loaded", HOT, () -> host.registry().factory("hello") != null);
        assertThat(failures()).isEmpty();
        await("config reload triggered", HOT, () -> reloads.get() == 1);
    }

    /** What a configuration snapshot would hold: its lease, a filter built from it, its requests in flight. */
    private record Built(FilterRegistry.Lease lease, GatewayFilter filter, AtomicInteger inFlight) {
    }

    private static Built build(FilterRegistry r) throws ReflectiveOperationException {
        FilterRegistry.Lease lease = r.acquire(List.of("hello"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        FilterFactory<Record> f = (FilterFactory) lease.factory("hello");
        Constructor<?> c = f.configType().getDeclaredConstructor();
        return new Built(lease, f.create((Record) c.newInstance(), null), new AtomicInteger());
    }

    /**
     * The lease protocol under load, with the gateway's part simulated (the real chain is built elsewhere):
     * requests run the current snapshot's filter without interruption while the plugin is replaced twice;
     * each old snapshot's lease is released when its last request ends; both old versions are collected.
     */
    @Test
    void hotReplaceUnderSimulatedLoadFailsNoRequest() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        AtomicReference<Built> current = new AtomicReference<>();
        List<WeakReference<ClassLoader>> old = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        Runnable apply = () -> {
            try {
                Built next = build(host.registry());
                Built prev = current.getAndSet(next);
                if (prev != null) {
                    old.add(new WeakReference<>(prev.filter().getClass().getClassLoader()));
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (prev.inFlight().get() > 0 && System.nanoTime() < deadline) {
                        Thread.yield();
                    }
                    prev.lease().release();
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        open();
        apply.run();
        host.watch(apply);
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) { // platform threads: busy loops must not starve each other
            clients.add(Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) {
                    Built b = current.get();
                    b.inFlight().incrementAndGet();
                    try {
                        if (current.get() != b) {
                            continue; // swapped meanwhile: take the new one
                        }
                        Decision d = b.filter().onRequest(null);
                        seen.add(((Decision.Respond) d).headers().getFirst().getValue());
                        served.incrementAndGet();
                    } catch (RuntimeException | LinkageError e) {
                        failed.incrementAndGet();
                    } finally {
                        b.inFlight().decrementAndGet();
                    }
                }
            }));
        }
        try {
            Thread.sleep(100);
            hello("hello.jar", "hello-plugin", "v22");
            await("v22 served", HOT, () -> seen.contains("v22"));
            hello("hello.jar", "hello-plugin", "v333");
            await("v333 served", HOT, () -> seen.contains("v333"));
            Thread.sleep(100);
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
        }
        System.out.println("simulated load: " + served.get() + " requests, " + failed.get() + " failed");
        assertThat(failed.get()).isZero();
        assertThat(seen).containsExactlyInAnyOrder("v1", "v22", "v333");
        assertThat(old).hasSize(2);
        current.get().lease().release();
        current.set(null);
        for (WeakReference<ClassLoader> ref : old) {
            awaitCollected(ref);
        }
    }


    @Test
    void retiredVersionIsUnloadedWhenItsLastLeaseIsReleased() throws Exception {
        hello("hello.jar", "hello-plugin", "v1");
        jars.plugin("other-plugin", "1.0.0").factory("o", "OtherFactory", "other", "o").jarTo(dir.resolve("o.jar"));
        open();
        FilterRegistry r = host.registry();
        FilterRegistry.Lease a = r.acquire(List.of("hello"));
        FilterRegistry.Lease b = r.acquire();
        FilterRegistry.Lease onlyOther = r.acquire(List.of("other", "not-loaded"));
        assertThat(a.types()).containsExactly("hello");
        assertThat(onlyOther.types()).containsExactly("other");
        assertThat(onlyOther.factory("hello")).isNull();

        hello("hello.jar", "hello-plugin", "v22");
        assertThat(host.scan()).isTrue();
        a.release();
        a.release(); // idempotent
        assertThat(host.status()).extracting(PluginStatus::state).contains(PluginStatus.State.RETIRED);
        assertThat(behaviour(b.factory("hello"))).isEqualTo("v1");
        b.close();
        assertThat(host.status()).extracting(PluginStatus::state).doesNotContain(PluginStatus.State.RETIRED);
        assertThat(behaviour(r.factory("hello"))).isEqualTo("v22");
        onlyOther.release();
    }

}
