package io.portico.bench;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.ChainExecutor;
import io.portico.core.chain.DefaultFilterContext;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.FilterEntry;
import io.portico.core.chain.FilterStats;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableResponse;
import io.portico.core.config.FilterConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the filter chain itself costs per request: a fresh exchange, {@code onRequest}, a response view,
 * {@code onResponse} and {@code onComplete} over {@code filters} filters that do nothing but proceed
 * ({@code noop}) or that also set one response header ({@code header}). The slope over {@code filters} is
 * the overhead per filter; the filters' own work is what a real plugin adds on top.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChainBench {

    @State(Scope.Benchmark)
    public static class Chain {
        @Param({"1", "3", "10"})
        public int filters;

        @Param({"noop", "header"})
        public String kind;

        FilterChain chain;

        @Setup
        public void setUp() {
            GatewayFilter noop = ex -> Decision.proceed();
            GatewayFilter header = new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    return Decision.proceed();
                }

                @Override
                public void onResponse(Exchange ex) {
                    ex.response().headers().set("X-Bench", "1");
                }
            };
            List<FilterEntry> entries = new ArrayList<>();
            for (int i = 0; i < filters; i++) {
                entries.add(new FilterEntry("f" + i, Phase.TRANSFORM, kind.equals("noop") ? noop : header,
                        FilterConfig.OnError.FAIL_CLOSED, List.of(), List.of(), "bench:" + i,
                        new DefaultFilterContext("f" + i, "route", Clock.systemUTC(), 1 << 20), new FilterStats()));
            }
            chain = new FilterChain("route", entries);
        }
    }

    @Benchmark
    public int request(Chain c) {
        BenchExchange ex = new BenchExchange(null);
        boolean go = ChainExecutor.onRequest(c.chain, ex);
        ex.responseView(new MutableResponse(200, new MutableHeaders(), BufferedBody.of(new byte[0])));
        ChainExecutor.onResponse(c.chain, ex);
        ex.sent(200);
        ChainExecutor.onComplete(c.chain, ex);
        return go ? ex.filtersRun() : -1;
    }
}
