package io.portico.bench;

import io.portico.api.Body;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Headers;
import io.portico.api.Query;
import io.portico.api.Request;
import io.portico.core.chain.DefaultFilterContext;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableQuery;
import io.portico.core.script.JsConfig;
import io.portico.core.script.JsContext;
import io.portico.core.script.JsRequest;
import io.portico.core.script.ScriptFilterConfig;
import io.portico.core.script.ScriptFilterFactory;
import io.portico.core.script.ScriptLibrary;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * What one JavaScript {@code script} filter costs per request: {@code filter.onRequest(exchange)} of the
 * filter the built-in factory creates, i.e. the version read, a {@code JsRequest}/{@code JsContext} per call,
 * borrowing a pooled context (semaphore + queue), arming/disarming the watchdog, the polyglot call of
 * {@code onRequest(req, ctx)} (which reads one request header and sets another), the promise check and the
 * stats record.
 *
 * <ul>
 *   <li>{@code js}: that whole call;</li>
 *   <li>{@code rawExecute}: only the polyglot call, on a context of our own built with the same sandbox-relevant
 *       settings (explicit host access, ES module), without pool, watchdog or stats: the floor the filter
 *       machinery adds to;</li>
 *   <li>{@code java}: a Java filter doing the same header read and set.</li>
 * </ul>
 *
 * <p>Interpreted (fallback Truffle runtime) when run on a plain JVM; with the optimizing runtime when the fork
 * gets {@code -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=<dist>/jvmci/...}
 * (pass with {@code -jvmArgsAppend}; see docs/benchmarks.md). Truffle needs ~10 s of calls to compile a hot
 * function on 2 cores, hence the long warm-up.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ScriptBench {
    static final String SCRIPT = """
            export default { phase: 'transform', onRequest(req, ctx) { const v = req.headers.get('x-in'); req.headers.set('x-out', v ?? 'none'); } }
            """;

    @State(Scope.Benchmark)
    public static class Filters {
        Path dir;
        ScriptLibrary library;
        GatewayFilter js;
        GatewayFilter java;
        BenchExchange exchange;
        String implementation;
        long failures;

        // rawExecute
        Engine engine;
        Context context;
        Value onRequest;
        JsConfig config;
        Logger log = Logger.getLogger("portico.bench.script");

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("portico-script-bench");
            Files.writeString(dir.resolve("bench.js"), SCRIPT);
            library = new ScriptLibrary(dir);
            DefaultFilterContext fc = new DefaultFilterContext("script", "route", Clock.systemUTC(), 1 << 20);
            js = new ScriptFilterFactory(library).create(
                    new ScriptFilterConfig("bench.js", Map.of(), Optional.empty()), fc);
            java = ex -> {
                Headers h = ex.request().headers();
                h.set("x-out", h.first("x-in").orElse("none"));
                return Decision.proceed();
            };
            MutableHeaders headers = new MutableHeaders();
            headers.addTrusted("host", "127.0.0.1:9000");
            headers.addTrusted("user-agent", "wrk");
            headers.addTrusted("accept", "*/*");
            headers.addTrusted("x-in", "abc");
            exchange = new BenchExchange(new BenchRequest(headers));

            engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
            implementation = engine.getImplementationName();
            context = Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.EXPLICIT)
                    .option("js.esm-eval-returns-exports", "true").build();
            Value exports = context.eval(Source.newBuilder("js", SCRIPT, "bench.js")
                    .mimeType("application/javascript+module").buildLiteral());
            Value def = exports.getMember("default");
            onRequest = def.getMember("onRequest").invokeMember("bind", def);
            config = new JsConfig(Map.of());
            System.out.println("\n# JavaScript engine: " + implementation);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            String out = exchange.request().headers().first("x-out").orElse(null);
            if (!"abc".equals(out)) {
                throw new IllegalStateException("script did not set x-out: " + out);
            }
            System.out.println("\n# js call failures in this trial: " + failures);
            context.close();
            engine.close();
            library.close();
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A request with real {@link MutableHeaders}; method and path are read by {@code JsRequest}. */
    record BenchRequest(MutableHeaders headers) implements Request {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/js/";
        }

        @Override
        public String upstreamPath() {
            return "/";
        }

        @Override
        public void upstreamPath(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Query query() {
            return new MutableQuery(null);
        }

        @Override
        public Body body() {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * A call that fails (it exceeded the 50 ms budget: seen during the optimizing runtime's warm-up on a busy
     * 2-core box) is counted, not thrown, so one slow call does not end the run; its time stays in the sample.
     */
    @Benchmark
    public Decision js(Filters f) {
        try {
            return f.js.onRequest(f.exchange);
        } catch (RuntimeException e) {
            f.failures++;
            if (f.failures <= 20) {
                System.out.println("\n# " + LocalTime.now() + " js call failed: " + e);
            }
            return null;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Diagnostic (not part of the reported figures): {@link #js} plus the wall and CPU time of the calling
     * thread around each call, printed for calls that fail, to tell a call that worked 50 ms from one that
     * was paused (GC, safepoint, descheduled) for 50 ms.
     */
    @Benchmark
    public Decision jsDiag(Filters f) {
        long w0 = System.nanoTime();
        long c0 = THREADS.getCurrentThreadCpuTime();
        try {
            return f.js.onRequest(f.exchange);
        } catch (RuntimeException e) {
            long wall = System.nanoTime() - w0;
            long cpu = THREADS.getCurrentThreadCpuTime() - c0;
            f.failures++;
            if (f.failures <= 40) {
                System.out.printf("%n# %s js call failed after %.1f ms wall, %.2f ms CPU of the calling thread: %s%n",
                        LocalTime.now(), wall / 1e6, cpu / 1e6, e.getMessage());
            }
            return null;
        }
    }

    @Benchmark
    public Decision java(Filters f) {
        return f.java.onRequest(f.exchange);
    }

    @Benchmark
    public Value rawExecute(Filters f) {
        return f.onRequest.execute(new JsRequest(f.exchange),
                new JsContext(f.exchange, f.config, f.log, "bench.js", true));
    }
}
