package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code include:}: files merged into the main one, and problems reported in the file they are in. */
class IncludesTest {
    private static final String UPSTREAM = "upstreams: { main-up: { targets: [ \"http://127.0.0.1:9001\" ] } }\n";

    @TempDir
    Path tmp;
    private Path conf;

    @BeforeEach
    void setUp() throws IOException {
        conf = Files.createDirectories(tmp.resolve("conf"));
    }

    private Path write(String name, String text) throws IOException {
        Path p = conf.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private GatewayConfig load(String main) throws Exception {
        return ConfigLoader.withSystemEnv().load(write("portico.yaml", main));
    }

    private List<ConfigError> errors(String main) throws IOException {
        Path file = write("portico.yaml", main);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.withSystemEnv().load(file));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }

    /** The name errors give a file under conf/. */
    private String shown(String name) {
        return conf.resolve(name).toString();
    }

    private static String upstream(String name, int port) {
        return "  " + name + ": { targets: [ \"http://127.0.0.1:" + port + "\" ] }\n";
    }

    private static String route(String id, String path, String upstream) {
        return "  - { id: " + id + ", match: { path: " + path + " }, upstream: " + upstream + " }\n";
    }

    @Test
    void includedUpstreamsAndRoutesAreMergedInOrder() throws Exception {
        write("extra/b.yaml", "upstreams:\n" + upstream("b-up", 9002) + "routes:\n" + route("b1", "/b", "b-up"));
        write("a.yaml", "routes:\n" + route("a1", "/a", "main-up") + route("a2", "/a2", "b-up"));
        GatewayConfig c = load(UPSTREAM + "include: [ extra/b.yaml, a.yaml ]\nroutes:\n"
                + route("m1", "/m", "main-up"));

        assertThat(List.copyOf(c.upstreams().keySet())).containsExactly("main-up", "b-up");
        assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("m1", "b1", "a1", "a2");
        assertThat(c.routes().get(3).upstream()).isEqualTo("b-up");
        Path abs = conf.toAbsolutePath().normalize();
        assertThat(c.includedFiles()).containsExactly(abs.resolve("extra/b.yaml"), abs.resolve("a.yaml"));
        assertThat(c.watchedDirectories()).containsExactly(abs, abs.resolve("extra"));
    }

    @Test
    void globMatchesAreReadInSortedNameOrder() throws Exception {
        write("conf.d/20-b.yaml", "routes:\n" + route("b", "/b", "main-up"));
        write("conf.d/10-a.yaml", "routes:\n" + route("a", "/a", "main-up"));
        write("conf.d/30-c.yaml", "routes:\n" + route("c", "/c", "main-up"));
        write("conf.d/notes.txt", "not yaml: [");
        write("conf.d/.hidden.yaml", "bogus: 1\n");
        GatewayConfig c = load(UPSTREAM + "include: [ \"conf.d/*.yaml\", \"none.d/*.yaml\" ]\n");

        assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("a", "b", "c");
        Path abs = conf.toAbsolutePath().normalize();
        assertThat(c.includedFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("10-a.yaml", "20-b.yaml", "30-c.yaml");
        assertThat(c.watchedDirectories()).containsExactly(abs, abs.resolve("conf.d"), abs.resolve("none.d"));
    }

    @Test
    void aFileListedTwiceIsReadOnceAndTheMainFileIsNotMatched() throws Exception {
        write("a.yaml", "routes:\n" + route("a", "/a", "main-up"));
        GatewayConfig c = load(UPSTREAM + "include: [ a.yaml, \"*.yaml\" ]\n");
        assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("a");
        assertThat(c.includedFiles()).hasSize(1);
    }

    @Test
    void errorsInAnIncludedFileNameItAndItsLines() throws Exception {
        write("conf.d/a.yaml", "routes:\n"
                + "  - id: ok\n"
                + "    match: { path: /a }\n"
                + "    upstream: main-up\n"
                + "  - id: bad\n"
                + "    match: { path: nope }\n"
                + "    upstream: nowhere\n"
                + "upstreams:\n"
                + "  u2: { targets: [ \"ftp://x\" ] }\n");
        List<ConfigError> errors = errors("server: { port: abc }\n" + UPSTREAM + "include: [ \"conf.d/*.yaml\" ]\n");
        String a = shown("conf.d/a.yaml");
        assertThat(errors).containsExactly(
                new ConfigError(shown("portico.yaml"), 1, "server.port", "expected an integer 0..65535, got 'abc'"),
                new ConfigError(a, 6, "routes[1].match.path", "expected a path pattern starting with '/', got 'nope'"),
                new ConfigError(a, 7, "routes[1].upstream", "unknown upstream 'nowhere'; expected one of: main-up, u2"),
                new ConfigError(a, 9, "upstreams.u2.targets[0]",
                        "expected an http:// URL like http://127.0.0.1:9001, got 'ftp://x'"));
    }

    @Test
    void errorsNameIncludedFilesRelativeToTheMainFileAsGiven() throws Exception {
        write("conf.d/a.yaml", "routes: 5\n");
        String yaml = "include: [ \"conf.d/*.yaml\" ]\n";
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader.parse(yaml, "portico.yaml", conf));
        assertThat(e.errors()).containsExactly(new ConfigError("conf.d/a.yaml", 1, "routes", "expected a list, got '5'"));
        e = catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "etc/portico.yaml", conf));
        assertThat(e.errors().getFirst().file()).isEqualTo("etc/conf.d/a.yaml");
    }

    @Test
    void duplicateUpstreamAcrossFilesIsReportedInTheLaterFile() throws Exception {
        write("a.yaml", "# comment\nupstreams:\n" + upstream("main-up", 9009));
        List<ConfigError> errors = errors("server: { port: 8080 }\n" + UPSTREAM + "include: [ a.yaml ]\n");
        assertThat(errors).containsExactly(new ConfigError(shown("a.yaml"), 3, "upstreams.main-up",
                "duplicate upstream 'main-up' (first at line 2 of " + shown("portico.yaml") + ")"));
    }

    @Test
    void duplicateRouteIdAcrossFilesIsReported() throws Exception {
        write("a.yaml", "routes:\n" + route("r", "/a", "main-up"));
        List<ConfigError> errors = errors(UPSTREAM + "include: [ a.yaml ]\nroutes:\n" + route("r", "/m", "main-up"));
        assertThat(errors).containsExactly(new ConfigError(shown("a.yaml"), 2, "routes[0].id",
                "duplicate route id 'r' (first at line 4 of " + shown("portico.yaml") + ")"));
    }

    @Test
    void mainRoutesMayUseUpstreamsFromIncludedFiles() throws Exception {
        write("ups/a.yaml", "upstreams:\n" + upstream("a-up", 9002));
        GatewayConfig c = load("include: [ ups/a.yaml ]\nroutes:\n" + route("m", "/m", "a-up"));
        assertThat(c.routes().getFirst().upstream()).isEqualTo("a-up");
        assertThat(c.upstreams()).containsOnlyKeys("a-up");
    }

    @Test
    void aMissingLiteralIncludeIsAnErrorAtItsEntry() throws Exception {
        List<ConfigError> errors = errors(UPSTREAM + "include:\n  - \"conf.d/*.yaml\"\n  - missing.yaml\n");
        assertThat(errors).containsExactly(new ConfigError(shown("portico.yaml"), 4, "include[1]",
                "cannot include 'missing.yaml': the file does not exist"));
    }

    @Test
    void absoluteIncludesWork() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("x.yaml"), "routes:\n" + route("x", "/x", "main-up"));
        GatewayConfig c = load(UPSTREAM + "include: [ \"" + other.resolve("*.yaml") + "\" ]\n");
        assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("x");
        assertThat(c.watchedDirectories()).contains(other.toAbsolutePath().normalize());
    }

    @Test
    void includedFilesMayHoldOnlyUpstreamsAndRoutes() throws Exception {
        write("a.yaml", "server: { port: 1 }\nroutes: []\ncolour: red\n");
        List<ConfigError> errors = errors(UPSTREAM + "include: [ a.yaml ]\n");
        String a = shown("a.yaml");
        assertThat(errors).containsExactly(
                new ConfigError(a, 1, "server", "'server' is only allowed in the main file; an included file"
                        + " may hold only: upstreams, routes"),
                new ConfigError(a, 3, "colour", "unknown key; expected one of: upstreams, routes"));
    }

    @Test
    void nestedIncludeIsRejected() throws Exception {
        write("a.yaml", "include: [ b.yaml ]\n");
        write("b.yaml", "routes:\n" + route("b", "/b", "main-up"));
        List<ConfigError> errors = errors(UPSTREAM + "include: [ a.yaml ]\n");
        assertThat(errors).containsExactly(new ConfigError(shown("a.yaml"), 1, "include",
                "an included file cannot include other files; list every file under include in the main file"));
    }

    @Test
    void syntaxErrorsInAnIncludedFileNameIt() throws Exception {
        write("a.yaml", "routes:\n  - [ unclosed\n");
        List<ConfigError> errors = errors(UPSTREAM + "include: [ a.yaml ]\n");
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().file()).isEqualTo(shown("a.yaml"));
        assertThat(errors.getFirst().message()).startsWith("invalid YAML");
    }

    @Test
    void tooManyIncludedFiles() throws Exception {
        for (int i = 0; i <= Includes.MAX_FILES; i++) {
            write(String.format("many/%03d.yaml", i), "routes: []\n");
        }
        List<ConfigError> errors = errors(UPSTREAM + "include: [ \"many/*.yaml\" ]\n");
        assertThat(errors).containsExactly(new ConfigError(shown("portico.yaml"), 2, "include[0]",
                "too many included files: the limit is 256"));

        Files.delete(conf.resolve("many/000.yaml"));
        assertThat(load(UPSTREAM + "include: [ \"many/*.yaml\" ]\n").includedFiles()).hasSize(256);
    }

    @Test
    void badEntriesAreReported() throws Exception {
        List<ConfigError> errors = errors("include:\n  - \"*/x.yaml\"\n  - { a: 1 }\n  -\n  - portico.yaml\n");
        String main = shown("portico.yaml");
        assertThat(errors).containsExactly(
                new ConfigError(main, 2, "include[0]", "expected a file path or a glob like conf.d/*.yaml"
                        + " (only the last element may be a glob), got '*/x.yaml'"),
                new ConfigError(main, 3, "include[1]", "expected a file path or a glob like conf.d/*.yaml, got a mapping"),
                new ConfigError(main, 4, "include[2]", "expected a file path or a glob like conf.d/*.yaml, got nothing"),
                new ConfigError(main, 5, "include[3]", "a file cannot include itself, got 'portico.yaml'"));
    }

    @Test
    void withoutIncludesNothingIsIncluded() throws Exception {
        GatewayConfig c = load(UPSTREAM);
        assertThat(c.includedFiles()).isEmpty();
        assertThat(c.includeDirectories()).isEmpty();
        assertThat(c.watchedDirectories()).containsExactly(conf.toAbsolutePath().normalize());
    }
}
