package io.portico.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line ({@link Portico#run(String[], PrintStream, PrintStream)}): output, error listing and exit codes.
 * Only the port-in-use case (and the check that an invalid {@code run} binds nothing) touches sockets.
 */
class PorticoCliTest {
    /** Never set in any environment the tests run in; referenced without a default. */
    private static final String UNSET_VAR = "PORTICO_CLI_TEST_SURELY_UNSET_7f3a";

    /** A config with one error on each of lines 3, 4, 10, 11 and 13 (see {@link #assertBrokenErrors}). */
    private static final String BROKEN = """
            server:
              port: %d
              bogus-key: 1
              idle-timeout: 5 minutes
            upstreams:
              orders:
                targets: [ "http://127.0.0.1:9001" ]
            routes:
              - id: a
                match: { path: "api/x" }
                upstream: nowhere
            admin:
              token: "${%s}"
            """;

    @TempDir
    Path dir;

    /** Captured result of one CLI call. */
    private record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Portico.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code run} blocks while serving; a test that expects it to return must not hang when it doesn't. */
    private static Result cliReturningWithin(Duration limit, String... args) {
        return assertTimeoutPreemptively(limit, () -> cli(args),
                "'portico " + String.join(" ", args) + "' should have returned instead of serving");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static void assertNoStackTrace(Result r) {
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertBrokenErrors(Result r, String file) {
        assertThat(r.code).as("exit code; stderr:%n%s", r.err).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.errLines()).containsExactly(
                file + ":3: server.bogus-key: unknown key; expected one of: host, port, max-body-size,"
                        + " max-request-line, max-header-size, max-headers, header-timeout, idle-timeout,"
                        + " shutdown-grace, max-connections, trusted-proxies",
                file + ":4: server.idle-timeout: expected a duration like 500ms, 5s, 1m, 1h, got '5 minutes'",
                file + ":10: routes[0].match.path: expected a path pattern starting with '/', got 'api/x'",
                file + ":11: routes[0].upstream: unknown upstream 'nowhere'; expected one of: orders",
                file + ":13: admin.token: environment variable " + UNSET_VAR + " is not set (write ${"
                        + UNSET_VAR + ":default} to give a default)",
                "5 errors in configuration");
        assertNoStackTrace(r);
    }

    // ---- validate ------------------------------------------------------------------------------------

    @Test
    void validateAcceptsAValidFile() throws IOException {
        Path file = write("ok.yaml", """
                server: { host: 127.0.0.1, port: 8080 }
                upstreams:
                  orders: { targets: [ "http://127.0.0.1:9001" ] }
                routes:
                  - id: orders
                    match: { path: /api/orders/** }
                    upstream: orders
                    strip-prefix: /api
                """);
        Result r = cli("validate", file.toString());
        assertThat(r.code).as("stderr: %s", r.err).isEqualTo(Portico.EXIT_OK);
        assertThat(r.out).isEqualTo(file + ": valid" + System.lineSeparator());
        assertThat(r.err).isEmpty();
    }

    @Test
    void validateListsEveryErrorWithFileLineAndKey() throws IOException {
        Path file = write("broken.yaml", BROKEN.formatted(8080, UNSET_VAR));
        Result r = cli("validate", file.toString());
        assertBrokenErrors(r, file.toString());
        assertThat(r.out).isEmpty();
    }

    @Test
    void validateOfAMissingFileIsAClearError() {
        Path missing = dir.resolve("nope/portico.yaml");
        Result r = cli("validate", missing.toString());
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.errLines()).containsExactly(
                missing + ": cannot read the file: it does not exist",
                "1 error in configuration");
        assertThat(r.out).isEmpty();
        assertNoStackTrace(r);
    }

    @Test
    void validateOfADirectoryIsAClearError() {
        Result r = cli("validate", dir.toString());
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.errLines()).containsExactly(
                dir + ": expected a YAML file, got a directory",
                "1 error in configuration");
        assertNoStackTrace(r);
    }

    @Test
    void yamlSyntaxErrorIsReportedWithItsLine() throws IOException {
        Path file = write("syntax.yaml", """
                server:
                  port: 8080
                  host: [0.0.0.0
                admin: {}
                """);
        Result r = cli("validate", file.toString());
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().get(0)).startsWith(file + ":4: invalid YAML at column ");
        assertThat(r.errLines().get(1)).isEqualTo("1 error in configuration");
        assertNoStackTrace(r);
    }

    @Test
    void validateNeedsExactlyOneFile() {
        Result none = cli("validate");
        assertThat(none.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(none.err).contains("usage: portico validate FILE");

        Result two = cli("validate", "a.yaml", "b.yaml");
        assertThat(two.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(two.err).contains("usage: portico validate FILE");
    }

    // ---- run -----------------------------------------------------------------------------------------

    @Test
    void runWithAnInvalidConfigListsTheErrorsAndStartsNothing() throws IOException {
        int port = freePort();
        Path file = write("broken.yaml", BROKEN.formatted(port, UNSET_VAR));
        Result r = cliReturningWithin(Duration.ofSeconds(20), "run", "--config", file.toString());
        assertBrokenErrors(r, file.toString());
        assertNotListening(port);

        Result eq = cliReturningWithin(Duration.ofSeconds(20), "run", "--config=" + file);
        assertBrokenErrors(eq, file.toString());
    }

    @Test
    void runWithAMissingConfigFileExitsTwo() {
        Path missing = dir.resolve("missing.yaml");
        Result r = cliReturningWithin(Duration.ofSeconds(20), "run", "--config", missing.toString());
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.errLines()).containsExactly(
                missing + ": cannot read the file: it does not exist",
                "1 error in configuration");
        assertNoStackTrace(r);
    }

    @Test
    void runWithThePortTakenExitsOneNamingServerPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path file = write("taken.yaml", "server: { host: 127.0.0.1, port: " + port + " }\n");
            Result r = cliReturningWithin(Duration.ofSeconds(30), "run", "--config", file.toString());
            assertThat(r.code).as("stderr: %s", r.err).isEqualTo(Portico.EXIT_FAILURE);
            assertThat(r.err).contains("server.port").contains("127.0.0.1:" + port);
            assertThat(r.errLines()).last().asString().startsWith("portico: ");
            assertNoStackTrace(r);
        }
    }

    @Test
    void runRejectsUnexpectedArguments() {
        Result r = cliReturningWithin(Duration.ofSeconds(10), "run", "--verbose");
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.err).contains("unexpected argument '--verbose'").contains("usage: portico");
    }

    // ---- version, hash-key, usage --------------------------------------------------------------------

    @Test
    void versionPrintsTheBuildVersion() {
        Result r = cli("version");
        assertThat(r.code).isEqualTo(Portico.EXIT_OK);
        assertThat(r.out).matches("portico \\d+\\.\\d+\\.\\d+\\S*\\R");
        assertThat(r.out).doesNotContain("unknown").doesNotContain("${");
        assertThat(r.err).isEmpty();
        assertThat(cli("--version").out).isEqualTo(r.out);
    }

    @Test
    void hashKeyPrintsSha256() {
        Result r = cli("hash-key", "secret");
        assertThat(r.code).isEqualTo(Portico.EXIT_OK);
        assertThat(r.out).isEqualTo("sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
                + System.lineSeparator());
        assertThat(r.err).isEmpty();
    }

    @Test
    void hashKeyWithoutAKeyIsAUsageError() {
        for (String[] args : new String[][] {{"hash-key"}, {"hash-key", ""}, {"hash-key", "a", "b"}}) {
            Result r = cli(args);
            assertThat(r.code).as(String.join(" ", args)).isEqualTo(Portico.EXIT_INVALID);
            assertThat(r.err).contains("usage: portico hash-key KEY");
            assertThat(r.out).isEmpty();
        }
    }

    @Test
    void unknownCommandPrintsUsageAndExitsTwo() {
        Result r = cli("frobnicate");
        assertThat(r.code).isEqualTo(Portico.EXIT_INVALID);
        assertThat(r.err).contains("unknown command 'frobnicate'")
                .contains("usage: portico [run] [--config FILE]")
                .contains("portico validate FILE")
                .contains("portico version")
                .contains("portico hash-key KEY");
        assertThat(r.out).isEmpty();
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Result r = cli("help");
        assertThat(r.code).isEqualTo(Portico.EXIT_OK);
        assertThat(r.out).startsWith("usage: portico");
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void assertNotListening(int port) {
        assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), port).close())
                .as("nothing should listen on %d", port)
                .isInstanceOf(ConnectException.class);
    }
}
