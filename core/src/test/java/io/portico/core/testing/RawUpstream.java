package io.portico.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A real HTTP/1.1 upstream on a loopback port chosen by the OS, written on raw sockets so tests can see
 * exactly what the gateway sent: the request line byte for byte, every header as received, the body, and
 * the total number of bytes that ever arrived. Supports keep-alive, Content-Length and chunked bodies.
 * A {@link Responder} decides each answer (or misbehaves on purpose).
 */
public final class RawUpstream implements AutoCloseable {

    /** One request as the upstream received it. */
    public record Received(String requestLine, List<String[]> headers, byte[] body, long bodyLength, int connectionId) {
        /** First value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** All values of a header (case-insensitive), in order. */
        public List<String> headerValues(String name) {
            List<String> out = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    out.add(h[1]);
                }
            }
            return out;
        }

        public String target() {
            return requestLine.split(" ")[1];
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Writes the answer to one request; may also do anything hostile with the socket. */
    @FunctionalInterface
    public interface Responder {
        void respond(Received request, OutputStream out, Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new ArrayList<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private volatile Responder responder;
    private volatile Function<Received, Boolean> readBody = r -> true;
    private int connections;
    private boolean stopped; // under this object's monitor

    public RawUpstream() throws IOException {
        this(ok("hello"));
    }

    public RawUpstream(Responder responder) throws IOException {
        this(responder, 0);
    }

    /**
     * An upstream on a given loopback port ({@code 0}: chosen by the OS), for example the port of an upstream
     * that was {@linkplain #close() stopped}, to bring "the same" target back.
     */
    public RawUpstream(Responder responder, int port) throws IOException {
        this.responder = responder;
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true); // the stopped upstream's closed connections may linger in TIME_WAIT
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        this.server = s;
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    /** A responder that answers 200 with a text body and keeps the connection alive. */
    public static Responder ok(String body) {
        return (r, out, s) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
        };
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public void responder(Responder r) {
        this.responder = r;
    }

    /** Total bytes received on all connections so far. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    public synchronized int connections() {
        return connections;
    }

    /** The next request received, waiting up to 5 s; fails the test if none arrives. */
    public Received take() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the upstream received no request within 5 s");
        }
        return r;
    }

    /** The next request if one arrives within the given time, else null. */
    public Received poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id;
                synchronized (this) {
                    if (stopped) { // accepted just before close(): it must not outlive the upstream
                        s.close();
                        return;
                    }
                    sockets.add(s);
                    id = ++connections;
                }
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = new CountingInput(s.getInputStream(), bytesReceived);
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                List<String[]> headers = new ArrayList<>();
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    headers.add(new String[] {h.substring(0, colon), h.substring(colon + 1).trim()});
                }
                Map<String, String> lower = new LinkedHashMap<>();
                headers.forEach(x -> lower.putIfAbsent(x[0].toLowerCase(Locale.ROOT), x[1]));
                long[] length = new long[1];
                byte[] body = readBody(in, lower, length);
                Received r = new Received(line, headers, body, length[0], id);
                received.add(r);
                responder.respond(r, out, s);
                if ("close".equalsIgnoreCase(lower.get("connection")) || s.isClosed()) {
                    return;
                }
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers, long[] length) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            long n = Long.parseLong(headers.get("content-length"));
            copy(in, body, n);
            length[0] = n;
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = readLine(in);
                long n = Long.parseLong(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    String t;
                    while ((t = readLine(in)) != null && !t.isEmpty()) {
                        // trailers ignored
                    }
                    break;
                }
                copy(in, body, n);
                length[0] += n;
                readLine(in);
            }
        }
        return body.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("eof in body");
            }
            // keep at most 1 MiB in memory; count the rest
            if (out.size() < (1 << 20)) {
                out.write(buf, 0, r);
            }
            n -= r;
        }
    }

    /** Reads a CRLF-terminated line as ISO-8859-1; null at EOF before any byte. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (this) {
            stopped = true;
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (SocketException ignored) {
                    // already closed
                }
            }
        }
    }

    private static final class CountingInput extends InputStream {
        private final InputStream in;
        private final AtomicLong count;

        CountingInput(InputStream in, AtomicLong count) {
            this.in = in;
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                count.incrementAndGet();
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                count.addAndGet(r);
            }
            return r;
        }
    }
}
