package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portico.core.script.ScriptFilterConfig;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every key the configuration parsers accept is documented in {@code docs/configuration.md}, in the section
 * it belongs to, and the key tables there list no key the parsers refuse.
 *
 * <p>The key lists come from the parsers themselves ({@code KEYS}-style constants, which their
 * {@code mapping} calls use), so a key added to a parser fails this test until it is documented. A key is
 * documented when, in the own text of its section (up to the next heading of any level, fenced code ignored),
 * a row of a table whose first column is headed {@code Key} holds it in backticks ({@code | `max-headers` | ...}), or holds a dotted path below it
 * ({@code `timeouts.connect`} documents {@code timeouts}), or a sub-heading of the section names it
 * ({@code ### telemetry.tracing} documents {@code tracing}).
 */
class ConfigReferenceTest {

    /** Where one list of keys must be documented. */
    private record Expect(String section, String prefix, List<String> keys, Rule rule) {
        Expect(String section, String prefix, List<String> keys) {
            this(section, prefix, keys, Rule.TABLE);
        }
    }

    private enum Rule {
        /** A table row of the section's own text (or a sub-heading). */
        TABLE,
        /** Like TABLE, but also the rows of every sub-section. */
        TABLE_DEEP,
        /** At least {@code `key`} somewhere in the section's own text (for keys described in prose). */
        MENTION
    }

    /** Sections whose key tables must list only accepted keys. */
    private static final Set<String> STRICT = Set.of("Top-level keys", "server", "admin", "demo",
            "plugins, scripts", "consumers", "redis", "telemetry.access-log", "telemetry.tracing", "upstreams",
            "targets", "routes", "match", "aggregate", "parts", "filters", "script");

    private static List<Expect> expectations() {
        List<Expect> e = new ArrayList<>();
        e.add(new Expect("Top-level keys", "", ConfigLoader.TOP_KEYS));
        e.add(new Expect("include", "", Includes.KEYS, Rule.MENTION));
        e.add(new Expect("telemetry", "", TelemetryParser.KEYS, Rule.TABLE_DEEP));
        e.add(new Expect("telemetry.tracing", "", TelemetryParser.TRACING_KEYS));
        e.add(new Expect("server", "", ServerParser.SERVER_KEYS));
        e.add(new Expect("admin", "", ServerParser.ADMIN_KEYS));
        e.add(new Expect("plugins, scripts", "plugins.", ConfigLoader.DIR_KEYS));
        e.add(new Expect("plugins, scripts", "scripts.", ConfigLoader.DIR_KEYS));
        e.add(new Expect("consumers", "", SharedParser.CONSUMER_KEYS));
        e.add(new Expect("redis", "", SharedParser.REDIS_KEYS));
        e.add(new Expect("demo", "", ServerParser.DEMO_KEYS));
        e.add(new Expect("upstreams", "", UpstreamParser.KEYS));
        e.add(new Expect("upstreams", "timeouts.", UpstreamParser.TIMEOUT_KEYS));
        e.add(new Expect("upstreams", "retries.", UpstreamParser.RETRY_KEYS));
        e.add(new Expect("upstreams", "health.", UpstreamParser.HEALTH_KEYS));
        e.add(new Expect("upstreams", "health.active.", UpstreamParser.ACTIVE_HEALTH_KEYS));
        e.add(new Expect("upstreams", "health.passive.", UpstreamParser.PASSIVE_HEALTH_KEYS));
        e.add(new Expect("upstreams", "circuit-breaker.", UpstreamParser.CIRCUIT_BREAKER_KEYS));
        e.add(new Expect("targets", "", UpstreamParser.TARGET_KEYS));
        e.add(new Expect("routes", "", RouteParser.KEYS));
        e.add(new Expect("match", "", RouteParser.MATCH_KEYS));
        e.add(new Expect("aggregate", "", AggregateParser.KEYS));
        e.add(new Expect("aggregate", "merge.", AggregateParser.SCRIPT_MERGE_KEYS));
        e.add(new Expect("parts", "", AggregateParser.PART_KEYS));
        e.add(new Expect("filters", "", FilterParser.RESERVED));
        e.add(new Expect("script", "", recordKeys(ScriptFilterConfig.class)));
        return e;
    }

    /** The option keys of a filter type, as {@link FilterBinder} names them. */
    private static List<String> recordKeys(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).map(FilterBinder::kebab)
                .toList();
    }

    @Test
    void everyAcceptedKeyIsDocumentedInItsSection() throws IOException {
        assertThat(problems(Files.readString(configurationMd()))).isEmpty();
    }

    @Test
    void removingADocumentedRowIsCaught() throws IOException {
        String doc = Files.readString(configurationMd());
        // One row of each kind of rule: a plain row, a dotted row, a row of a sub-section, a record's key.
        for (String row : List.of("| `max-headers` |", "| `health.passive.eject` |", "| `weight` |",
                "| `extract` |", "| `sampler-arg` |", "| `access-log-fields` |", "| `merge.script` |",
                "| `file` |", "| [`redis`](#redis) |")) {
            List<String> lines = new ArrayList<>(doc.lines().toList());
            assertThat(lines.removeIf(l -> l.startsWith(row))).as(row).isTrue();
            assertThat(problems(String.join("\n", lines))).as("without " + row).isNotEmpty();
        }
        String stale = doc.replace("| `max-headers` |", "| `max-headerz` |");
        assertThat(problems(stale)).anyMatch(p -> p.contains("max-headerz"));
    }

    /**
     * The first-party filter types: the top-level option keys of each plugin's config record (read from its
     * source, since core does not depend on the plugins) are rows of the type's section of
     * {@code docs/plugins-reference.md} or of its sub-sections.
     */
    @Test
    void everyFirstPartyFilterKeyIsDocumentedInThePluginsReference() throws IOException {
        Path root = configurationMd().getParent().getParent();
        Path plugins = root.resolve("plugins");
        assumeTrue(Files.isDirectory(plugins), "no plugins folder");
        Map<String, Section> sections = sections(Files.readString(root.resolve("docs/plugins-reference.md")));
        List<String> problems = new ArrayList<>();
        int types = 0;
        List<Path> factories;
        try (var files = Files.walk(plugins)) {
            factories = files.filter(f -> f.toString().contains("/src/main/java/")
                    && f.getFileName().toString().endsWith("FilterFactory.java")).sorted().toList();
        }
        for (Path factory : factories) {
            String src = Files.readString(factory);
            Matcher type = Pattern.compile("String type\\(\\)\\s*\\{\\s*return \"([^\"]+)\";").matcher(src);
            Matcher config = Pattern.compile("configType\\(\\)\\s*\\{\\s*return (\\w+)\\.class;").matcher(src);
            assertThat(type.find() && config.find()).as(factory.toString()).isTrue();
            types++;
            Path record = factory.resolveSibling(config.group(1) + ".java");
            Section s = sections.get(type.group(1));
            if (s == null) {
                problems.add("plugins-reference.md: no section '## " + type.group(1) + "'");
                continue;
            }
            for (String key : recordSourceKeys(Files.readString(record), config.group(1))) {
                if (!documented(s, sections, key, Rule.TABLE_DEEP)) {
                    problems.add("## " + type.group(1) + ": option `" + key + "` of " + config.group(1)
                            + " is not documented in a table row");
                }
            }
        }
        assertThat(types).as("filter factories found under plugins/").isGreaterThanOrEqualTo(9);
        assertThat(problems).isEmpty();
    }

    /** The component names (kebab-case) of {@code record Name(...)} in a source file. */
    private static List<String> recordSourceKeys(String src, String name) {
        Matcher m = Pattern.compile("\\brecord\\s+" + name + "\\s*\\(").matcher(src);
        assertThat(m.find()).as("record " + name).isTrue();
        List<String> keys = new ArrayList<>();
        int depth = 0;
        StringBuilder component = new StringBuilder();
        for (int i = m.end(); i < src.length(); i++) {
            char c = src.charAt(i);
            if (depth == 0 && (c == ',' || c == ')')) {
                String decl = component.toString().replaceAll("@\\w+(\\([^)]*\\))?", " ").strip();
                if (!decl.isEmpty()) {
                    keys.add(FilterBinder.kebab(decl.substring(decl.lastIndexOf(' ') + 1)));
                }
                component.setLength(0);
                if (c == ')') {
                    break;
                }
                continue;
            }
            depth += c == '<' || c == '(' ? 1 : c == '>' || c == ')' ? -1 : 0;
            component.append(c);
        }
        return keys;
    }

    // ---- the check ---------------------------------------------------------------------------------------

    private static List<String> problems(String markdown) {
        Map<String, Section> sections = sections(markdown);
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> accepted = new LinkedHashMap<>();
        for (Expect e : expectations()) {
            Section s = sections.get(e.section());
            if (s == null) {
                problems.add("no section '" + e.section() + "' (or more than one) in docs/configuration.md");
                continue;
            }
            Set<String> acc = accepted.computeIfAbsent(e.section(), k -> new LinkedHashSet<>());
            for (String key : e.keys()) {
                String path = e.prefix() + key;
                for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
                    acc.add(path.substring(0, dot));
                }
                acc.add(path);
                if (!documented(s, sections, path, e.rule())) {
                    problems.add("## " + e.section() + ": key `" + path + "` is accepted by the parser but not "
                            + (e.rule() == Rule.MENTION ? "mentioned" : "documented in a table row `| `" + path
                                    + "` |`"));
                }
            }
        }
        for (String name : STRICT) {
            Section s = sections.get(name);
            if (s == null) {
                continue;
            }
            Set<String> acc = new LinkedHashSet<>(accepted.getOrDefault(name, Set.of()));
            for (Expect e : expectations()) { // keys documented deep may sit in a sub-section's table
                if (e.rule() == Rule.TABLE_DEEP && s.parents.contains(e.section())) {
                    acc.addAll(accepted.getOrDefault(e.section(), Set.of()));
                }
            }
            for (String row : s.rows) {
                if (!acc.contains(row)) {
                    problems.add("## " + name + ": documented key `" + row + "` is not accepted by the parser");
                }
            }
        }
        return problems;
    }

    private static boolean documented(Section s, Map<String, Section> all, String path, Rule rule) {
        if (rule == Rule.MENTION) {
            return s.text.indexOf("`" + path + "`") >= 0;
        }
        List<String> rows = new ArrayList<>(s.rows);
        if (rule == Rule.TABLE_DEEP) {
            for (Section sub : all.values()) {
                if (sub.parents.contains(s.title)) {
                    rows.addAll(sub.rows);
                }
            }
        }
        for (String row : rows) {
            if (row.equals(path) || row.startsWith(path + ".")) {
                return true;
            }
        }
        for (String child : s.children) {
            if (child.equals(path) || child.endsWith("." + path)) {
                return true;
            }
        }
        return false;
    }

    /** A heading's own text (up to the next heading), its table rows' first-cell keys and its sub-headings. */
    private static final class Section {
        final String title;
        final List<String> parents;
        final StringBuilder text = new StringBuilder();
        final List<String> rows = new ArrayList<>();
        final List<String> children = new ArrayList<>();

        Section(String title, List<String> parents) {
            this.title = title;
            this.parents = parents;
        }
    }

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** Sections by title; a title used twice is left out (so it is reported as missing). */
    private static Map<String, Section> sections(String markdown) {
        Map<String, Section> byTitle = new LinkedHashMap<>();
        Set<String> duplicates = new LinkedHashSet<>();
        Section[] open = new Section[7];
        Section current = null;
        boolean fenced = false;
        Boolean keyTable = null; // inside a table: whether its first column is headed "Key"
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                keyTable = null;
                int level = h.group(1).length();
                List<String> parents = new ArrayList<>();
                for (int l = 1; l < level; l++) {
                    if (open[l] != null) {
                        parents.add(open[l].title);
                    }
                }
                current = new Section(h.group(2), parents);
                for (int l = level - 1; l >= 1; l--) {
                    if (open[l] != null) {
                        open[l].children.add(current.title);
                        break;
                    }
                }
                Arrays.fill(open, level, open.length, null);
                open[level] = current;
                if (byTitle.putIfAbsent(current.title, current) != null) {
                    duplicates.add(current.title);
                }
                continue;
            }
            if (current == null) {
                continue;
            }
            current.text.append(line).append('\n');
            String t = line.strip();
            if (!t.startsWith("|")) {
                keyTable = null;
                continue;
            }
            String[] cells = t.split("(?<!\\\\)\\|", -1);
            String first = cells.length > 1 ? cells[1].strip() : "";
            if (keyTable == null) {
                keyTable = first.equals("Key"); // the header row: only tables with a "Key" column count
            } else if (keyTable && !t.matches("\\|[\\s:|-]*")) {
                Matcher m = CODE.matcher(first);
                while (m.find()) {
                    current.rows.add(m.group(1));
                }
            }
        }
        duplicates.forEach(byTitle::remove);
        return byTitle;
    }

    private static Path configurationMd() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/configuration.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException("docs/configuration.md not found above " + Path.of("").toAbsolutePath());
    }
}
