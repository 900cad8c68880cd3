package io.portico.core.telemetry;

import io.portico.core.config.TelemetryConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JSON access log: one object per line, UTF-8, written by a single writer thread from a bounded queue.
 * A request only offers its record to the queue; when the queue is full the record is dropped and
 * counted ({@code portico_access_log_dropped_total}), so a slow or blocked sink never delays a request.
 *
 * <p>Fields (in this order, a configured subset allowed): {@code time} (ISO-8601 UTC, millisecond),
 * {@code request_id}, {@code trace_id}, {@code client_ip}, {@code method}, {@code path} (without the query
 * string), {@code route}, {@code upstream} (its name), {@code target} ({@code host:port}; an extra), {@code status},
 * {@code bytes_in}, {@code bytes_out}, {@code duration_ms}, {@code upstream_ms} (null when no upstream was
 * contacted), {@code consumer}, {@code user_agent}. No other header and never a query string is logged.
 */
public final class AccessLog implements RequestObserver, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());
    /** Default queue capacity (records). */
    public static final int DEFAULT_CAPACITY = 16_384;
    private static final RequestRecord STOP = new RequestRecord(0, null, null, null, null, null, null, null, null,
            0, 0, 0, 0, 0, null, null, 0, false);

    private final BlockingQueue<RequestRecord> queue;
    private final OutputStream out;
    private final boolean closeOut;
    private final String[] fields;
    private final GatewayMetrics metrics;
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param out      where lines go (written only by the writer thread)
     * @param closeOut whether {@link #close()} closes {@code out}
     * @param fields   field names, a subset of {@link TelemetryConfig#ACCESS_LOG_FIELDS}
     * @param capacity queue capacity in records
     * @param metrics  counts dropped records
     */
    public AccessLog(OutputStream out, boolean closeOut, List<String> fields, int capacity, GatewayMetrics metrics) {
        for (String f : fields) {
            if (!TelemetryConfig.ACCESS_LOG_FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown access-log field " + f);
            }
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.out = out;
        this.closeOut = closeOut;
        this.fields = fields.toArray(new String[0]);
        this.metrics = metrics;
        this.writer = Thread.ofPlatform().daemon(true).name("portico-access-log").start(this::run);
    }

    /** The log {@code config} asks for, or null when it is {@code off}. */
    static AccessLog open(TelemetryConfig config, GatewayMetrics metrics) throws IOException {
        TelemetryConfig.AccessLog where = config.accessLog();
        return switch (where.kind()) {
            case OFF -> null;
            // System.out (not the raw descriptor): whatever the process made of it (a test runner's capture) stays in charge
            case STDOUT -> new AccessLog(System.out, false, config.accessLogFields(), DEFAULT_CAPACITY, metrics);
            case FILE -> {
                Path file = where.file();
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                yield new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE), true, config.accessLogFields(), DEFAULT_CAPACITY, metrics);
            }
        };
    }

    /** Queues the record; drops (and counts) it when the queue is full. Never blocks. */
    @Override
    public void completed(RequestRecord r) {
        if (closed || !queue.offer(r)) {
            metrics.accessLogDropped();
        }
    }

    private void run() {
        List<RequestRecord> batch = new ArrayList<>(256);
        StringBuilder line = new StringBuilder(512);
        boolean failed = false;
        while (true) {
            RequestRecord first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            batch.add(first);
            queue.drainTo(batch, 255);
            boolean stop = false;
            line.setLength(0);
            for (RequestRecord r : batch) {
                if (r == STOP) {
                    stop = true;
                    break;
                }
                format(line, r);
            }
            batch.clear();
            try {
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
                if (queue.isEmpty()) {
                    out.flush();
                }
                failed = false;
            } catch (IOException e) {
                if (!failed) {
                    LOG.log(Level.WARNING, "access log: cannot write (" + e.getMessage() + "); lines are lost until it works again");
                }
                failed = true;
            }
            if (stop) {
                break;
            }
        }
        try {
            out.flush();
            if (closeOut) {
                out.close();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "access log: close failed", e);
        }
    }

    /** Appends one JSON line (with its newline) for {@code r}. */
    void format(StringBuilder b, RequestRecord r) {
        b.append('{');
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            String f = fields[i];
            b.append('"').append(f).append("\":");
            switch (f) {
                case "time" -> Json.string(b, DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(r.startEpochMillis())));
                case "request_id" -> Json.string(b, r.requestId());
                case "trace_id" -> Json.string(b, r.traceId());
                case "client_ip" -> Json.string(b, r.clientIp());
                case "method" -> Json.string(b, r.method());
                case "path" -> Json.string(b, r.path());
                case "route" -> Json.string(b, r.routeId());
                case "upstream" -> Json.string(b, r.upstream());
                case "target" -> Json.string(b, r.target());
                case "status" -> b.append(r.status());
                case "bytes_in" -> b.append(r.bytesIn());
                case "bytes_out" -> b.append(r.bytesOut());
                case "duration_ms" -> millis(b, r.durationNanos());
                case "upstream_ms" -> {
                    if (r.upstreamNanos() < 0) {
                        b.append("null");
                    } else {
                        millis(b, r.upstreamNanos());
                    }
                }
                case "consumer" -> Json.string(b, r.consumer());
                case "user_agent" -> Json.string(b, r.userAgent());
                default -> b.append("null");
            }
        }
        b.append("}\n");
    }

    /** Milliseconds with three decimals (microsecond resolution). */
    private static void millis(StringBuilder b, long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        b.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        b.append(frac);
    }

    /** Writes what is queued (waiting at most a second) and stops the writer. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!queue.offer(STOP, 1, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
