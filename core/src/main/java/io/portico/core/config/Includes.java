package io.portico.core.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the files named by the main file's {@code include:} list. Each entry is a path relative to the main
 * file's folder (or absolute) whose last element may be a glob ({@code conf.d/*.yaml}): its matches are the
 * regular files of that folder whose names match, except names starting with '.' and the main file itself,
 * in sorted name order; a glob matching nothing, or whose folder does not exist, adds no file. A literal path
 * must exist. A file named twice (or matched by two entries) is read once, at its first position. At most
 * {@link #MAX_FILES} files are included.
 *
 * <p>An included file is a mapping that may hold only {@code upstreams:} and {@code routes:}; its nodes are
 * registered with {@link YamlNodes} so that every problem in it names that file (as the main file's folder,
 * as given, resolved with the entry) and its own lines. Problems in the {@code include} list itself name the
 * main file, the line of the entry and the key {@code include[i]}.
 *
 * <p>Not thread-safe: one instance per parse.
 */
final class Includes {
    /** Most files one config may include. */
    static final int MAX_FILES = 256;
    static final List<String> KEYS = List.of("upstreams", "routes");
    private static final String PATH_FORMAT = "a file path or a glob like conf.d/*.yaml";

    private final YamlNodes y;
    private final Path base;
    private final Path shownBase;
    private final Path main;
    private final List<Fields> parts = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final Set<Path> seen = new HashSet<>();
    private final Set<Path> directories = new LinkedHashSet<>();
    private boolean complete = true;

    /**
     * @param y        the main file's reader; included files' problems are recorded there too
     * @param base     absolute, normalized folder of the main file; entries are resolved against it
     * @param mainName the main file's name as given (its parent prefixes the names of included files)
     * @param main     the main file, absolute and normalized (never included)
     */
    Includes(YamlNodes y, Path base, String mainName, Path main) {
        this.y = y;
        this.base = base;
        Path shown;
        try {
            shown = Path.of(mainName).getParent();
        } catch (InvalidPathException e) {
            shown = null;
        }
        this.shownBase = shown;
        this.main = main;
        seen.add(main);
    }

    /** Reads every file listed under {@code include} in {@code top} (the main file's top-level mapping). */
    void read(Fields top) {
        List<Node> items = top.list("include");
        for (int i = 0; i < items.size(); i++) {
            String key = top.keyOf("include") + "[" + i + "]";
            Node item = items.get(i);
            if (YamlNodes.isNull(item)) {
                y.error(item, key, "expected " + PATH_FORMAT + ", got nothing");
                continue;
            }
            Optional<Scalar> s = y.scalar(item, key, PATH_FORMAT);
            if (s.isPresent() && !entry(s.get())) {
                return;
            }
        }
    }

    /** The top-level mapping of each included file that could be read, in include order. */
    List<Fields> parts() {
        return List.copyOf(parts);
    }

    /** Every included file read, absolute and normalized, in include order. */
    List<Path> files() {
        return List.copyOf(files);
    }

    /** The folder of every entry, absolute and normalized (whether or not it exists). */
    Set<Path> directories() {
        return directories;
    }

    /**
     * False when some included file could not be found, read or parsed as YAML; then its upstreams are
     * missing and reference checks would only add noise, so the loader stops after these problems.
     */
    boolean complete() {
        return complete;
    }

    /** @return false when the file limit was reached (reported; later entries are not read) */
    private boolean entry(Scalar s) {
        Path pattern;
        try {
            pattern = s.text().isBlank() || s.text().indexOf('\0') >= 0 ? null : Path.of(s.text());
        } catch (InvalidPathException e) {
            pattern = null;
        }
        if (pattern == null || pattern.getFileName() == null) {
            y.invalid(s, PATH_FORMAT);
            complete = false;
            return true;
        }
        Path parent = pattern.getParent();
        if (parent != null && isGlob(parent.toString())) {
            y.invalid(s, PATH_FORMAT + " (only the last element may be a glob)");
            complete = false;
            return true;
        }
        Path resolved = base.resolve(pattern).normalize();
        Path dir = resolved.getParent() != null ? resolved.getParent() : resolved.getRoot();
        directories.add(dir);
        String last = pattern.getFileName().toString();
        if (!isGlob(last)) {
            if (resolved.equals(main)) {
                y.error(s.node(), s.key(), "a file cannot include itself, got " + s.shown());
                complete = false;
                return true;
            }
            if (!Files.isRegularFile(resolved)) {
                y.error(s.node(), s.key(), "cannot include " + s.shown() + ": "
                        + (Files.isDirectory(resolved) ? "it is a directory (write a glob like "
                        + pattern.resolve("*.yaml") + ")" : "the file does not exist"));
                complete = false;
                return true;
            }
            return include(resolved, shown(pattern), s);
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + last);
        } catch (PatternSyntaxException e) {
            y.invalid(s, PATH_FORMAT + " (a valid glob)");
            complete = false;
            return true;
        }
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                Path name = p.getFileName();
                if (!name.toString().startsWith(".") && matcher.matches(name) && Files.isRegularFile(p)
                        && !p.normalize().equals(main)) {
                    matches.add(p);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return true;
        } catch (IOException e) {
            y.error(s.node(), s.key(), "cannot list the folder of " + s.shown() + ": " + e.getMessage());
            complete = false;
            return true;
        }
        matches.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        Path shownDir = parent == null ? null : shown(parent);
        for (Path p : matches) {
            Path name = p.getFileName();
            if (!include(p.normalize(), shownDir == null ? name : shownDir.resolve(name), s)) {
                return false;
            }
        }
        return true;
    }

    /** @return false when the file limit was reached */
    private boolean include(Path file, Path shown, Scalar entry) {
        if (!seen.add(file)) {
            return true;
        }
        if (files.size() == MAX_FILES) {
            y.error(entry.node(), entry.key(), "too many included files: the limit is " + MAX_FILES);
            complete = false;
            return false;
        }
        files.add(file);
        String name = shown.toString();
        y.addFile(name);
        YamlNodes fileNodes = y.forFile(name);
        Node root = null;
        try {
            String text = ConfigLoader.read(file, name);
            if (text.length() > YamlComposer.MAX_CODE_POINTS) {
                fileNodes.error(0, "", "the file is too large: the limit is "
                        + Units.formatSize(YamlComposer.MAX_CODE_POINTS) + " characters");
            } else {
                root = YamlComposer.compose(text, fileNodes);
            }
        } catch (ConfigException e) {
            e.errors().forEach(y::add);
            complete = false;
            return true;
        }
        if (fileNodes.hasErrors()) {
            fileNodes.errors().forEach(y::add);
            complete = false;
            return true;
        }
        y.register(root, name);
        if (root != null && !(root instanceof MappingNode) && !YamlNodes.isNull(root)) {
            y.error(root, "", "expected a mapping with upstreams and/or routes, got " + YamlNodes.describe(root));
            return true;
        }
        Fields top = y.mapping(root, root, "", null);
        for (String key : top.names()) {
            if (KEYS.contains(key)) {
                continue;
            }
            String message;
            if (key.equals("include")) {
                message = "an included file cannot include other files; list every file under include in the"
                        + " main file";
            } else if (ConfigLoader.TOP_KEYS.contains(key)) {
                message = "'" + key + "' is only allowed in the main file; an included file may hold only: "
                        + String.join(", ", KEYS);
            } else {
                message = "unknown key; expected one of: " + String.join(", ", KEYS);
            }
            y.error(top.keyNode(key), key, message);
        }
        parts.add(top);
        return true;
    }

    /** How the user sees {@code p}: the main file's folder as given, resolved with it. */
    private Path shown(Path p) {
        return (p.isAbsolute() || shownBase == null ? p : shownBase.resolve(p)).normalize();
    }

    private static boolean isGlob(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
