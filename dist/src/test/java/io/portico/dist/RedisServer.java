package io.portico.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} for tests: a child process on a free loopback port, without persistence,
 * started and ready (it answered PING) when the constructor returns. {@link #kill()} ends it abruptly (a crash, as
 * far as clients can tell), {@link #restart()} starts it again, empty, on the same port. Close it to kill it.
 *
 * <p>No skipping: when {@code redis-server} is not installed the constructor throws, naming the fix (CI installs
 * it in {@code .ci/run}).
 */
final class RedisServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final int port;
    private final Path log;
    private Process process;

    RedisServer() throws IOException, InterruptedException {
        this.port = freePort();
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
        start();
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts redis-server (again) on this port and waits until it answers PING. */
    void start() throws IOException, InterruptedException {
        String binary = binary();
        process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; its output: "
                        + Files.readString(log));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                        + READY_TIMEOUT + "; its output: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server at once (SIGKILL) and waits until it is gone. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server did not die");
            }
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a stalled Redis. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #pause paused} server go on (SIGCONT). */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    /** A new, empty server on the same port. */
    void restart() throws IOException, InterruptedException {
        kill();
        start();
    }

    /** Whether a server on the port answers {@code PING} with {@code +PONG}. */
    boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends one command and returns the reply's text as RESP gives it, lines joined with {@code \n} (e.g.
     * {@code :42} for an integer, {@code *1\n$9\nsome:key} for a one-element array). Reads until the server
     * stops sending for 200 ms.
     */
    String call(String... args) throws IOException {
        StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            req.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.setSoTimeout(200);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // the whole reply is in
            }
            return out.toString(StandardCharsets.UTF_8).strip().replace("\r\n", "\n");
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        Path usual = Path.of("/usr/bin/redis-server");
        if (Files.isExecutable(usual)) {
            return usual.toString();
        }
        throw new IllegalStateException("redis-server is not installed (not on PATH, not /usr/bin/redis-server); "
                + "the rate-limit Redis tests need it: apt-get install redis-server (.ci/run does)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
