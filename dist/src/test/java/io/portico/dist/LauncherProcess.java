package io.portico.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code bin/portico} as a child process, for the tests that drive a distribution (unpacked or extracted
 * from the tarball): hermetic start, output files, waiting for the listener, the bundled config on free ports.
 */
final class LauncherProcess {
    private LauncherProcess() {
    }

    /** A started launcher and the files its stdout and stderr go to. */
    record Launched(Process process, Path out, Path err) {
        String output() {
            return "\n--- stdout ---\n" + read(out) + "\n--- stderr ---\n" + read(err);
        }
    }

    /** A finished command. */
    record Completed(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /**
     * Starts {@code script} with {@code args} in {@code workDir}, stdin from /dev/null and its output in a fresh
     * folder under {@code logsDir}. Hermetic: the Java running the tests is {@code JAVA_HOME}, and JVM options
     * from the environment running the build are removed (then {@code extraEnv} is applied).
     */
    static Launched start(Path script, Map<String, String> extraEnv, Path workDir, Path logsDir, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        Path logs = Files.createTempDirectory(logsDir, "proc");
        Path out = logs.resolve("stdout.txt");
        Path err = logs.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        for (String name : List.of("JAVA_OPTS", "PORTICO_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "PORTICO_JAVA_VERBOSE", "PORTICO_JVMCI")) {
            env.remove(name);
        }
        env.putAll(extraEnv);
        return new Launched(pb.start(), out, err);
    }

    /** Waits until {@code port} accepts connections; fails when the gateway exits or {@code timeout} passes. */
    static void awaitListening(Launched gw, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gw.process().isAlive()) {
                fail("the gateway exited with " + gw.process().exitValue() + " before listening on " + port
                        + gw.output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("the gateway did not listen on " + port + " within " + timeout + gw.output());
    }

    /**
     * The bundled {@code conf/portico.yaml} text with its three ports replaced. Each replacement must match
     * exactly once, so a change of the bundled file's shape fails here instead of silently using the defaults.
     */
    static String withPorts(String bundled, int gatewayPort, int demoPort, int adminPort) {
        String text = replaceOnce(bundled, "(?m)^(  port: )8080\\b", "$1" + gatewayPort);
        text = replaceOnce(text, "(?m)^(  port: )9090\\b", "$1" + adminPort);
        text = replaceOnce(text, "(?m)^(  port: )9081\\b", "$1" + demoPort);
        return replaceOnce(text, "\"http://127\\.0\\.0\\.1:9081\"", "\"http://127.0.0.1:" + demoPort + "\"");
    }

    /** {@code text} with the one match of {@code regex} replaced; fails unless there is exactly one. */
    static String replaceOnce(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        assertThat(count).as("matches of /%s/ in the bundled conf/portico.yaml", regex).isEqualTo(1);
        return m.replaceFirst(replacement);
    }

    /** {@code n} distinct ports free right now (all bound at once, then released). */
    static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** The file's text, or "" when it does not exist. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
