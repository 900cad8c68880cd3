package io.portico.dist;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP upstream on a free loopback port: answers every request 200 {@code text/plain} with
 * {@code METHOD path?query} and keeps what it received ({@link #received}) for assertions. Close it to stop.
 */
final class EchoUpstream implements AutoCloseable {
    /** One request as the upstream saw it; header names lower-cased. */
    record Received(String method, String uri, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    EchoUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                Map<String, List<String>> headers = new java.util.TreeMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
                received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), headers));
                count.incrementAndGet();
                byte[] body = (ex.getRequestMethod() + " " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests received so far, oldest first; taking one removes it. */
    BlockingQueue<Received> received() {
        return received;
    }

    /** How many requests reached this upstream. */
    int count() {
        return count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
