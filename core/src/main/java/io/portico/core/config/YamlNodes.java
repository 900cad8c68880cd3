package io.portico.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads composed SnakeYAML nodes for the section parsers: substitutes {@code ${VAR}} in scalars, converts
 * scalars to typed values, and records every problem as a {@link ConfigError} carrying the node's line.
 * Conversions never throw; on a problem they record it and return empty, so a parser keeps going and the
 * whole file is checked in one pass.
 *
 * <p>A YAML null ({@code key:} with no value, {@code ~}, {@code null}) counts as absent: a scalar setting
 * takes its default, a mapping or list is empty.
 *
 * <p>Not thread-safe: one instance per parse.
 */
final class YamlNodes {
    static final Pattern BOOL_TRUE = Pattern.compile("true|True|TRUE");
    static final Pattern BOOL_FALSE = Pattern.compile("false|False|FALSE");

    private final String file;
    private final Function<String, String> env;
    private final List<ConfigError> errors = new ArrayList<>();
    /** Nodes read from an included file, to the name of that file; a node not here is from {@link #file}. */
    private final Map<Node, String> nodeFiles = new IdentityHashMap<>();
    /** Every file name errors may name, main file first, in include order (for sorting errors). */
    private final List<String> files = new ArrayList<>();

    YamlNodes(String file, Function<String, String> env) {
        this.file = file;
        this.env = env;
        files.add(file);
    }

    /** The main file's name, as given. */
    String file() {
        return file;
    }

    /** A fresh instance for another file, with the same environment (for composing an included file). */
    YamlNodes forFile(String name) {
        return new YamlNodes(name, env);
    }

    /** Adds {@code name} to the files errors are sorted by, after those added before (no-op if known). */
    void addFile(String name) {
        if (!files.contains(name)) {
            files.add(name);
        }
    }

    /** Records that every node of the tree under {@code root} was read from the included file {@code name}. */
    void register(Node root, String name) {
        addFile(name);
        if (root == null || nodeFiles.putIfAbsent(root, name) != null) {
            return;
        }
        if (root instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                register(t.getKeyNode(), name);
                register(t.getValueNode(), name);
            }
        } else if (root instanceof SequenceNode s) {
            for (Node item : s.getValue()) {
                register(item, name);
            }
        }
    }

    /** The name of the file {@code node} was read from ({@link #file()} for the main file or null). */
    String fileOf(Node node) {
        String f = node == null ? null : nodeFiles.get(node);
        return f == null ? file : f;
    }

    /**
     * Where {@code first} is, as seen from a problem at {@code here}: {@code line 3} in the same file,
     * {@code line 3 of conf.d/a.yaml} in another one.
     */
    String where(Node first, Node here) {
        String f = fileOf(first);
        return "line " + line(first) + (f.equals(fileOf(here)) ? "" : " of " + f);
    }

    /** 1-based line of {@code node}, 0 when there is none. */
    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** How a node is named in "got ..." parts of messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** Dotted path of {@code name} below {@code parent}. */
    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    void error(Node at, String key, String message) {
        errors.add(new ConfigError(fileOf(at), line(at), key, message));
    }

    /** Records a problem found elsewhere (in another file, by another instance). */
    void add(ConfigError error) {
        errors.add(error);
    }

    void error(int line, String key, String message) {
        errors.add(new ConfigError(file, line, key, message));
    }

    /** Records that {@code s} is not {@code expectation}: "expected X, got 'v'". */
    void invalid(Scalar s, String expectation) {
        error(s.node(), s.key(), "expected " + expectation + ", got " + s.shown());
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /**
     * Every problem recorded so far, without repeats, ordered by file (the main file first, then included
     * files in include order) and within a file by line (file-level problems first).
     */
    List<ConfigError> errors() {
        List<ConfigError> sorted = new ArrayList<>(new LinkedHashSet<>(errors));
        sorted.sort(Comparator.<ConfigError>comparingInt(e -> rank(e.file())).thenComparingInt(ConfigError::line));
        return List.copyOf(sorted);
    }

    private int rank(String name) {
        int i = files.indexOf(name);
        return i < 0 ? files.size() : i;
    }

    // ---- structure ----------------------------------------------------------------------------------

    /**
     * The entries of a mapping node, checking duplicate keys and (when {@code allowed} is non-null) unknown
     * keys, and applying YAML merge keys ({@code <<: *anchor}). A null node gives an empty, valid result; a
     * node of another kind is an error and gives an empty, invalid result.
     *
     * @param fallback the node to blame for missing keys when {@code node} is absent
     */
    Fields mapping(Node node, Node fallback, String key, List<String> allowed) {
        if (isNull(node)) {
            return new Fields(this, node == null ? fallback : node, key, Map.of(), true);
        }
        if (!(node instanceof MappingNode m)) {
            error(node, key, "expected a mapping, got " + describe(node));
            return new Fields(this, node, key, Map.of(), false);
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        collect(m, key, allowed, entries, Collections.newSetFromMap(new IdentityHashMap<>()));
        return new Fields(this, m, key, entries, true);
    }

    private void collect(MappingNode m, String key, List<String> allowed, Map<String, NodeTuple> into,
                         Set<Node> visiting) {
        if (!visiting.add(m)) {
            error(m, key, "a mapping cannot be merged (<<) into itself");
            return;
        }
        Map<String, NodeTuple> own = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (Tag.MERGE.equals(k.getTag())) {
                merges.add(t.getValueNode());
                continue;
            }
            if (!(k instanceof ScalarNode ks)) {
                error(k, key, "expected a plain key, got " + describe(k));
                continue;
            }
            String name = ks.getValue();
            NodeTuple first = own.get(name);
            if (first != null) {
                error(k, child(key, name), "duplicate key '" + name + "' (first at line "
                        + line(first.getKeyNode()) + ")");
                continue;
            }
            own.put(name, t);
            if (allowed != null && !allowed.contains(name)) {
                error(k, child(key, name), "unknown key; expected one of: " + String.join(", ", allowed));
            }
        }
        own.forEach(into::putIfAbsent);
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
            for (Node source : sources) {
                if (source instanceof MappingNode sm) {
                    collect(sm, key, allowed, into, visiting);
                } else {
                    error(source, key, "expected a mapping (or a list of mappings) to merge with '<<', got "
                            + describe(source));
                }
            }
        }
        visiting.remove(m);
    }

    /** The items of a sequence node; null gives an empty list, another kind is an error. */
    List<Node> list(Node node, String key) {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode s)) {
            error(node, key, "expected a list, got " + describe(node));
            return List.of();
        }
        return s.getValue();
    }

    // ---- scalars ------------------------------------------------------------------------------------

    /**
     * A scalar after {@code ${VAR}} substitution; empty when the node is null (absent), not a scalar
     * (recorded: "expected {@code expectation}, got a mapping"), or substitution failed (recorded).
     */
    Optional<Scalar> scalar(Node node, String key, String expectation) {
        if (isNull(node)) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode s)) {
            error(node, key, "expected " + expectation + ", got " + describe(node));
            return Optional.empty();
        }
        EnvSubstitution.Result r = EnvSubstitution.apply(s.getValue(), env);
        if (!r.errors().isEmpty()) {
            r.errors().forEach(e -> error(s, key, e));
            return Optional.empty();
        }
        return Optional.of(new Scalar(r.value(), s, key, r.vars()));
    }

    Optional<String> string(Node node, String key) {
        return scalar(node, key, "a string").map(Scalar::text);
    }

    Optional<Integer> integer(Node node, String key, int min, int max) {
        return scalar(node, key, intRange(min, max)).flatMap(s -> {
            try {
                int v = Integer.parseInt(s.text().strip());
                if (v >= min && v <= max) {
                    return Optional.of(v);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            invalid(s, intRange(min, max));
            return Optional.empty();
        });
    }

    static String intRange(int min, int max) {
        return max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer " + min + ".." + max;
    }

    Optional<Boolean> bool(Node node, String key) {
        return scalar(node, key, "true or false").flatMap(s -> {
            String t = s.text().strip();
            if (BOOL_TRUE.matcher(t).matches()) {
                return Optional.of(true);
            }
            if (BOOL_FALSE.matcher(t).matches()) {
                return Optional.of(false);
            }
            invalid(s, "true or false");
            return Optional.empty();
        });
    }

    /** A duration greater than zero. */
    Optional<Duration> duration(Node node, String key) {
        return scalar(node, key, Units.DURATION_FORMAT).flatMap(s -> {
            Duration d;
            try {
                d = Units.parseDuration(s.text());
            } catch (IllegalArgumentException e) {
                error(s.node(), s.key(), e.getMessage() + ", got " + s.shown());
                return Optional.empty();
            }
            if (d.isZero()) {
                invalid(s, "a duration greater than 0");
                return Optional.empty();
            }
            return Optional.of(d);
        });
    }

    /** A size in bytes within {@code min..max}. */
    Optional<Long> size(Node node, String key, long min, long max) {
        return scalar(node, key, Units.SIZE_FORMAT).flatMap(s -> {
            long v;
            try {
                v = Units.parseSize(s.text());
            } catch (IllegalArgumentException e) {
                error(s.node(), s.key(), e.getMessage() + ", got " + s.shown());
                return Optional.empty();
            }
            if (v < min || v > max) {
                invalid(s, max == Long.MAX_VALUE
                        ? "a size of at least " + Units.formatSize(min)
                        : "a size from " + Units.formatSize(min) + " to " + Units.formatSize(max));
                return Optional.empty();
            }
            return Optional.of(v);
        });
    }
}
