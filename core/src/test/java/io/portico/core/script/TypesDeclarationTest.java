package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Consumer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/types/portico.d.ts} declares exactly the members the bindings have: the members are
 * enumerated at run time with {@code Object.keys} on the real binding objects inside a script, and compared
 * per interface with the members the d.ts declares.
 */
class TypesDeclarationTest {
    static final Path DTS = Path.of("..", "scripts", "types", "portico.d.ts");

    /** What {@code ModuleInstance} reads from the default export (not a binding object, so listed here). */
    static final List<String> FILTER_MEMBERS = List.of("phase", "onRequest", "onResponse");
    /** What {@code ModuleInstance} reads from a merge script's default export. */
    static final List<String> MERGE_MEMBERS = List.of("merge");
    /**
     * The {@code ctx} of {@link ScriptVersion#merge} and the entries of its {@code errors}: JSON the gateway's
     * aggregate routes build (see {@code ScriptVersion.merge}), not binding objects, so listed here.
     */
    static final List<String> MERGE_CONTEXT_MEMBERS = List.of("route", "requestId", "params", "query", "consumer", "errors");
    static final List<String> MERGE_ERROR_MEMBERS = List.of("part", "status", "title");

    static final String PROBE = """
            export default {
              phase: 'transform',
              onRequest(req, ctx) {
                ctx.consumer = { id: 'c' };
                return Object.entries({
                  PorticoRequest: Object.keys(req), PorticoContext: Object.keys(ctx),
                  PorticoHeaders: Object.keys(req.headers), PorticoQuery: Object.keys(req.query),
                  PorticoConsumer: Object.keys(ctx.consumer), PorticoRoute: Object.keys(ctx.route),
                  PorticoLog: Object.keys(ctx.log), PorticoSpan: Object.keys(ctx.span) }).map(e => e[0] + '=' + e[1]).join(';');
              },
              onResponse(res, ctx) {
                return Object.entries({ PorticoResponse: Object.keys(res), PorticoHeaders: Object.keys(res.headers),
                                        PorticoContext: Object.keys(ctx) }).map(e => e[0] + '=' + e[1]).join(';');
              }
            };
            """;

    static ScriptEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        engine = new ScriptEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void everyBoundMemberIsDeclaredAndNothingElse() throws IOException {
        assertThat(DTS).as("d.ts relative to " + Path.of("").toAbsolutePath()).isRegularFile();
        Map<String, Set<String>> declared = declaredMembers(Files.readString(DTS));
        Map<String, Set<String>> bound = boundMembers();
        bound.put("PorticoFilter", new TreeSet<>(FILTER_MEMBERS));
        bound.put("MergeScript", new TreeSet<>(MERGE_MEMBERS));
        bound.put("MergeContext", new TreeSet<>(MERGE_CONTEXT_MEMBERS));
        bound.put("MergeError", new TreeSet<>(MERGE_ERROR_MEMBERS));

        assertThat(declared.keySet()).as("interfaces in portico.d.ts").isEqualTo(bound.keySet());
        for (String type : bound.keySet()) {
            assertThat(declared.get(type)).as("members of " + type + " (declared in d.ts vs bound)")
                    .isEqualTo(bound.get(type));
        }
    }

    @Test
    void theParserSeesEveryKindOfMemberDeclaration() {
        Map<String, Set<String>> m = declaredMembers("""
                /** doc { with braces } */
                export interface A {
                    /** a: not a member */
                    readonly a: string;
                    b?(x: { y: number }): void;
                    c<T = unknown>(): Promise<T>;
                    get d(): string | null;
                    set d(value: {
                        id: string;
                    });
                    e: number;
                }
                interface B { f(): void; }
                """);
        assertThat(m).isEqualTo(Map.of("A", Set.of("a", "b", "c", "d", "e"), "B", Set.of("f")));
    }

    /** The members of each binding object, from a script, per d.ts interface name. */
    Map<String, Set<String>> boundMembers() throws IOException {
        Path f = dir.resolve("probe.js");
        Files.writeString(f, PROBE);
        CompileResult r = engine.compile(f,
                ScriptOptions.defaults().withTimeout(Duration.ofSeconds(1)));
        assertThat(r).isInstanceOf(ScriptVersion.class);
        Map<String, Set<String>> out = new TreeMap<>();
        try (ScriptVersion v = (ScriptVersion) r) {
            FakeExchange ex = new FakeExchange("GET", "/");
            JsConfig config = new JsConfig(Map.of());
            Logger log = Logger.getLogger(TypesDeclarationTest.class.getName());
            merge(out, v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(), new JsRequest(ex),
                    new JsContext(ex, config, log, "probe.js@0", true)));
            ex.respondWith(200, null, null);
            merge(out, v.invoke(ScriptVersion.Hook.ON_RESPONSE, val -> val.asString(), new JsResponse(ex),
                    new JsContext(ex, config, log, "probe.js@0", false)));
            assertThat(ex.consumer()).contains(new Consumer("c", Set.of(), Map.of()));
        }
        return out;
    }

    /** Adds {@code Type=a,b;Type2=c} to {@code out}; a type seen twice must have the same members. */
    private static void merge(Map<String, Set<String>> out, ScriptResult<String> r) {
        assertThat(r).isInstanceOf(ScriptResult.Ok.class);
        for (String entry : ((ScriptResult.Ok<String>) r).value().split(";")) {
            String type = entry.substring(0, entry.indexOf('='));
            Set<String> members = new TreeSet<>(List.of(entry.substring(entry.indexOf('=') + 1).split(",")));
            Set<String> prev = out.putIfAbsent(type, members);
            if (prev != null) {
                assertThat(members).as("members of " + type + " in onRequest and onResponse").isEqualTo(prev);
            }
        }
    }

    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern MEMBER = Pattern.compile(
            "^\\s*(?:readonly\\s+)?(?:(?:get|set)\\s+(?=[A-Za-z_$]))?([A-Za-z_$][\\w$]*)\\s*\\??\\s*[(:<]");

    /**
     * The members each interface declares: the body of {@code interface X { ... }} is split at the
     * {@code ;} that end its members (at brace depth 1), and each piece's leading identifier (after
     * {@code readonly}, {@code get} or {@code set}) followed by {@code ?}, {@code (}, {@code :} or
     * {@code <} is a member. Comments are removed first.
     */
    static Map<String, Set<String>> declaredMembers(String dts) {
        String text = dts.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher im = INTERFACE.matcher(text);
        while (im.find()) {
            Set<String> members = new TreeSet<>();
            int depth = 1;
            StringBuilder current = new StringBuilder();
            for (int i = im.end(); i < text.length() && depth > 0; i++) {
                char c = text.charAt(i);
                if (c == '{' || c == '(' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ')' || c == ']') {
                    depth--;
                }
                if (depth == 0 || (depth == 1 && c == ';')) {
                    Matcher mm = MEMBER.matcher(current.toString().strip());
                    if (mm.find()) {
                        members.add(mm.group(1));
                    }
                    current.setLength(0);
                } else {
                    current.append(c);
                }
            }
            out.put(im.group(1), members);
        }
        return out;
    }

}
