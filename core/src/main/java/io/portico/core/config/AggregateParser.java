package io.portico.core.config;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.portico.core.config.AggregateConfig.Merge;
import io.portico.core.script.ScriptLibrary;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Builds a route's {@code aggregate:} section ({@link AggregateConfig}) and checks it as a whole: part names,
 * upstream references, the {@code after} graph (known names, no cycle) and the references of the
 * {@code path} and {@code headers} templates. Every problem is recorded through {@link YamlNodes} with its
 * line and full key; the parser never throws and keeps going, so one pass reports everything. Not
 * thread-safe.
 */
final class AggregateParser {
    static final List<String> KEYS = List.of("merge", "parts");
    /** The keys of {@code merge} written as a mapping. */
    static final List<String> SCRIPT_MERGE_KEYS = List.of("script");
    static final List<String> PART_KEYS = List.of("name", "upstream", "path", "method", "headers", "timeout",
            "optional", "after", "extract");
    /** Names a part cannot take: the template prefixes and the merged answer's own key. */
    static final List<String> RESERVED = List.of("query", "consumer", "claims", "_portico");

    private static final Pattern PART_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Set<String> BODYLESS_METHODS = Set.of("HEAD", "CONNECT", "TRACE");
    /** Lower-case names of the headers the gateway sets itself. */
    private static final Set<String> GATEWAY_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection");
    private static final String MERGE_FORMS = "namespace, deep-merge or { script: file.js }";

    private final YamlNodes y;
    private final TemplateParser templates;

    AggregateParser(YamlNodes y) {
        this.y = y;
        this.templates = new TemplateParser(y);
    }

    /** A part as read, before the checks that need every part of the route. */
    private static final class Draft {
        final Fields f;
        final String key;
        String name;
        String upstream = "";
        String method = "GET";
        Optional<Duration> timeout = Optional.empty();
        boolean optional;
        final List<Scalar> afterNames = new ArrayList<>();
        final List<String> after = new ArrayList<>();
        Optional<String> extract = Optional.empty();
        Scalar path;
        final Map<String, Scalar> headers = new LinkedHashMap<>();

        Draft(Fields f) {
            this.f = f;
            this.key = f.key();
        }

        String shownName() {
            return name == null ? "this part" : "'" + name + "'";
        }
    }

    /**
     * The aggregate section of one route. Parts that cannot be read at all (not a mapping) are left out;
     * other problems are recorded and the offending value takes a neutral default, so the result is only
     * meaningful when no error was recorded.
     *
     * @param f         the {@code aggregate} mapping, read with {@link #KEYS}
     * @param pattern   the route's {@code match.path}, or empty when it is missing or invalid (already
     *                  reported; then {@code {param}} references are not checked)
     * @param upstreams the names declared under {@code upstreams}
     */
    AggregateConfig parse(Fields f, String pattern, Set<String> upstreams) {
        Merge merge = merge(f);
        List<Draft> drafts = drafts(f, upstreams);
        Map<String, Draft> byName = names(drafts);
        for (Draft d : drafts) {
            resolveAfter(d, byName);
        }
        reportCycles(byName);
        List<String> params = pattern.isEmpty() ? null : PathPatterns.params(pattern);
        List<PartConfig> parts = new ArrayList<>();
        for (Draft d : drafts) {
            var scope = new TemplateParser.Scope(pattern, params, byName.keySet(), d.name, d.shownName(),
                    dependencies(d, byName));
            parts.add(part(d, scope));
        }
        return new AggregateConfig(merge, parts);
    }

    // ---- merge --------------------------------------------------------------------------------------

    private Merge merge(Fields f) {
        if (f.value("merge") instanceof MappingNode) {
            return scriptMerge(f.mapping("merge", SCRIPT_MERGE_KEYS));
        }
        return f.scalar("merge", MERGE_FORMS).map(s -> switch (s.text().strip()) {
            case "namespace" -> new Merge.Namespace();
            case "deep-merge" -> new Merge.DeepMerge();
            default -> {
                y.invalid(s, MERGE_FORMS);
                yield (Merge) null;
            }
        }).orElse(new Merge.Namespace());
    }

    private Merge scriptMerge(Fields m) {
        if (!m.require("script")) {
            return new Merge.Namespace();
        }
        int line = YamlNodes.line(m.keyNode("script"));
        return m.scalar("script", "a script file name like merge.js").map(s -> {
            try {
                return (Merge) new Merge.Script(ScriptLibrary.normalize(s.text()), line);
            } catch (IllegalArgumentException e) {
                y.error(s.node(), s.key(), "expected a script file relative to scripts.dir, like merge.js: "
                        + e.getMessage());
                return null;
            }
        }).orElse(new Merge.Namespace());
    }

    // ---- parts, one by one --------------------------------------------------------------------------

    private List<Draft> drafts(Fields f, Set<String> upstreams) {
        List<Draft> out = new ArrayList<>();
        if (!f.require("parts")) {
            return out;
        }
        List<Node> items = f.list("parts");
        if (items.isEmpty() && f.value("parts") instanceof SequenceNode) {
            y.error(f.value("parts"), f.keyOf("parts"), "expected a non-empty list of parts, got an empty list");
        }
        for (int i = 0; i < items.size(); i++) {
            Draft d = draft(items.get(i), f.keyOf("parts") + "[" + i + "]", upstreams);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** Reads the keys of one part that need no other part; null when the item is not a mapping. */
    private Draft draft(Node node, String key, Set<String> upstreams) {
        if (YamlNodes.isNull(node)) {
            y.error(node, key, "expected a part like { name: ..., upstream: ..., path: ... }, got nothing");
            return null;
        }
        Fields f = y.mapping(node, node, key, PART_KEYS);
        if (!f.valid()) {
            return null;
        }
        Draft d = new Draft(f);
        d.name = name(f);
        if (f.require("upstream")) {
            d.upstream = f.scalar("upstream", "an upstream name")
                    .map(s -> RouteParser.checkUpstream(y, s, upstreams)).orElse("");
        }
        if (f.require("path")) {
            d.path = f.scalar("path", "a path template like /users/{userId}").orElse(null);
        }
        d.method = method(f);
        d.headers.putAll(headers(f));
        d.timeout = f.duration("timeout");
        d.optional = f.bool("optional", false);
        d.afterNames.addAll(afterNames(f));
        d.extract = extract(f);
        return d;
    }

    private String name(Fields f) {
        if (!f.require("name")) {
            return null;
        }
        return f.scalar("name", "a part name").filter(s -> {
            if (RESERVED.contains(s.text())) {
                y.error(s.node(), s.key(), "part name " + s.shown() + " is reserved (" + String.join(", ", RESERVED)
                        + " have a meaning in templates and in the merged answer)");
                return false;
            }
            if (!PART_NAME.matcher(s.text()).matches()) {
                y.invalid(s, "a part name of letters, digits, '_' and '-', starting with a letter");
                return false;
            }
            return true;
        }).map(Scalar::text).orElse(null);
    }

    private String method(Fields f) {
        return f.scalar("method", "an HTTP method like GET").map(s -> {
            String v = s.text().strip().toUpperCase(Locale.ROOT);
            if (!Names.isToken(v)) {
                y.invalid(s, "an HTTP method like GET");
            } else if (BODYLESS_METHODS.contains(v)) {
                y.error(s.node(), s.key(), "method " + s.shown() + " is refused: a part must answer with a body"
                        + " (HEAD, CONNECT and TRACE are not allowed)");
            }
            return v;
        }).orElse("GET");
    }

    /** Header name as written → the value's scalar (a template, parsed later). */
    private Map<String, Scalar> headers(Fields part) {
        Fields h = part.mapping("headers", null);
        Map<String, Scalar> out = new LinkedHashMap<>();
        Map<String, Node> seen = new HashMap<>();
        for (String name : h.names()) {
            Node at = h.keyNode(name);
            if (!Names.isToken(name)) {
                y.error(at, h.keyOf(name), "expected a header name (letters, digits and !#$%&'*+-.^_`|~), got '"
                        + name + "'");
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            Node first = seen.putIfAbsent(lower, at);
            if (first != null) {
                y.error(at, h.keyOf(name), "duplicate header '" + name + "' (header names ignore case; first at "
                        + y.where(first, at) + ")");
                continue;
            }
            if (GATEWAY_HEADERS.contains(lower)) {
                y.error(at, h.keyOf(name), "header '" + name + "' is set by the gateway and cannot be set by a"
                        + " part (Host, Content-Length, Transfer-Encoding and Connection are refused)");
                continue;
            }
            if (!h.has(name)) {
                y.error(h.value(name) == null ? at : h.value(name), h.keyOf(name),
                        "expected a header value template, got nothing");
                continue;
            }
            h.scalar(name, "a header value template").ifPresent(s -> out.put(name, s));
        }
        return out;
    }

    /** {@code after}: a part name or a list of them (checked against the route's parts later). */
    private List<Scalar> afterNames(Fields f) {
        Node value = f.value("after");
        if (YamlNodes.isNull(value)) {
            return List.of();
        }
        if (!(value instanceof SequenceNode)) {
            return f.scalar("after", "a part name or a list of part names").stream().toList();
        }
        List<Scalar> out = new ArrayList<>();
        List<Node> items = f.list("after");
        for (int i = 0; i < items.size(); i++) {
            String key = f.keyOf("after") + "[" + i + "]";
            if (YamlNodes.isNull(items.get(i))) {
                y.error(items.get(i), key, "expected a part name, got nothing");
            }
            y.scalar(items.get(i), key, "a part name").ifPresent(out::add);
        }
        return out;
    }

    private Optional<String> extract(Fields f) {
        return f.scalar("extract", "a JSON pointer like /data").filter(s -> {
            if (isJsonPointer(s.text())) {
                return true;
            }
            y.invalid(s, "a JSON pointer (RFC 6901) like /data/items: empty or starting with '/', with '~'"
                    + " only as ~0 or ~1");
            return false;
        }).map(Scalar::text).filter(p -> !p.isEmpty());
    }

    /** RFC 6901: empty, or '/'-separated reference tokens where '~' is only written as ~0 or ~1. */
    static boolean isJsonPointer(String s) {
        if (!s.isEmpty() && s.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '~' && (i + 1 >= s.length() || (s.charAt(i + 1) != '0' && s.charAt(i + 1) != '1'))) {
                return false;
            }
        }
        return true;
    }

    // ---- the route's parts together -----------------------------------------------------------------

    /** The named parts by name (the first of duplicates), reporting duplicate names. */
    private Map<String, Draft> names(List<Draft> drafts) {
        Map<String, Draft> out = new LinkedHashMap<>();
        for (Draft d : drafts) {
            if (d.name == null) {
                continue;
            }
            Draft first = out.putIfAbsent(d.name, d);
            if (first != null) {
                Node at = d.f.value("name");
                y.error(at, d.f.keyOf("name"), "duplicate part name '" + d.name + "' (first at "
                        + y.where(first.f.value("name"), at) + ")");
            }
        }
        return out;
    }

    /** Fills {@code d.after} with the known names of {@code d.afterNames}, reporting the others. */
    private void resolveAfter(Draft d, Map<String, Draft> byName) {
        for (Scalar s : d.afterNames) {
            String n = s.text();
            if (n.equals(d.name)) {
                y.error(s.node(), s.key(), "a part cannot run after itself ('" + n + "')");
            } else if (!byName.containsKey(n)) {
                List<String> others = byName.keySet().stream().filter(k -> !k.equals(d.name)).toList();
                y.error(s.node(), s.key(), "unknown part " + s.shown() + "; " + (others.isEmpty()
                        ? "the route has no other part" : "expected one of: " + String.join(", ", others)));
            } else if (!d.after.contains(n)) {
                d.after.add(n);
            }
        }
    }

    /** Reports each cycle of the {@code after} graph once, at the {@code after} of its first part. */
    private void reportCycles(Map<String, Draft> byName) {
        Map<Draft, Boolean> done = new HashMap<>();
        for (Draft d : byName.values()) {
            visit(d, byName, done, new ArrayList<>());
        }
    }

    /** Depth-first walk; {@code done} maps a part to false while it is on {@code path}, true after. */
    private void visit(Draft d, Map<String, Draft> byName, Map<Draft, Boolean> done, List<Draft> path) {
        Boolean state = done.get(d);
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(state)) {
            List<Draft> cycle = path.subList(path.indexOf(d), path.size());
            List<String> names = new ArrayList<>(cycle.stream().map(p -> p.name).toList());
            names.add(d.name);
            y.error(d.f.keyNode("after"), d.f.keyOf("after"), "dependency cycle through 'after': "
                    + String.join(" → ", names));
            return;
        }
        done.put(d, false);
        path.add(d);
        for (String a : d.after) {
            visit(byName.get(a), byName, done, path);
        }
        path.removeLast();
        done.put(d, true);
    }

    /** The names {@code d} depends on, directly or through other parts' {@code after}. */
    private static Set<String> dependencies(Draft d, Map<String, Draft> byName) {
        Set<String> out = new LinkedHashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(d.after);
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (out.add(n)) {
                todo.addAll(byName.get(n).after);
            }
        }
        return out;
    }

    private PartConfig part(Draft d, TemplateParser.Scope scope) {
        Template path = d.path == null ? new Template("", List.of()) : templates.path(d.path, scope);
        Map<String, Template> headers = new LinkedHashMap<>();
        d.headers.forEach((name, value) -> headers.put(name, templates.header(value, scope)));
        return new PartConfig(d.name == null ? "" : d.name, d.upstream, path, d.method, headers, d.timeout,
                d.optional, d.after, d.extract, YamlNodes.line(d.f.node()));
    }
}
