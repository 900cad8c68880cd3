package io.portico.core.config;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.RedisSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates {@code portico.yaml} into a {@link GatewayConfig}.
 *
 * <p>The whole file is checked in one pass: every problem found becomes a {@link ConfigError} with the file
 * name as given, the 1-based line of the offending YAML node (the value for a bad value, the key for an
 * unknown or duplicate key, the enclosing mapping for a missing key), the dotted key path and a message
 * saying what was expected and what was found. If there is any problem, {@link ConfigException} carries all
 * of them, ordered by line; no other exception escapes for bad input. {@code ${VAR}} and
 * {@code ${VAR:default}} in scalar values are read through the {@code env} function given at construction
 * (<code>$${</code> is a literal <code>${</code>); a value that came from the environment is never echoed in a
 * message.
 *
 * <p>The main file may list more files under {@code include:} (see {@link Includes}); their
 * {@code upstreams} and {@code routes} are merged into the main file's and validated with them, and their
 * problems name the included file and its lines. The result records which files were read and which
 * folders a change could appear in ({@link GatewayConfig#watchedDirectories()}).
 *
 * <p>Instances are immutable and thread-safe if the given functions are; each call parses independently
 * (and reads included files again).
 */
public final class ConfigLoader {
    /** Top-level keys, in the order they are documented. */
    static final List<String> TOP_KEYS = List.of("server", "admin", "plugins", "scripts", "demo", "upstreams",
            "consumers", "filters", "routes", "redis", "telemetry", "include");
    /** The keys of {@code plugins:} and {@code scripts:}. */
    static final List<String> DIR_KEYS = List.of("dir");
    /** Top-level keys reserved for later versions: accepted only when empty. */
    private static final List<String> NOT_YET = List.of();
    /** Largest file {@link #load} reads. */
    static final int MAX_FILE_BYTES = 8 * 1024 * 1024;

    private final Predicate<String> filterTypeKnown;
    private final FilterTypes filterTypes; // null: names checked only, options not bound
    private final Function<String, String> env;

    /**
     * @param filterTypeKnown whether a filter type name exists (a {@code filters[].type} for which it is
     *                        false is an error)
     * @param env             environment lookup for {@code ${VAR}}; returns null for an unset variable
     */
    public ConfigLoader(Predicate<String> filterTypeKnown, Function<String, String> env) {
        this.filterTypes = null;
        this.filterTypeKnown = Objects.requireNonNull(filterTypeKnown, "filterTypeKnown");
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * A loader that binds every filter entry to its type's config record (see {@link FilterBinder}), so a
     * loaded configuration is ready to build filter chains from.
     *
     * @param filterTypes the filter types loaded now (read once per load, so a type that appears later is
     *                    seen by the next load)
     * @param env         environment lookup for {@code ${VAR}}; returns null for an unset variable
     */
    public ConfigLoader(FilterTypes filterTypes, Function<String, String> env) {
        this.filterTypes = Objects.requireNonNull(filterTypes, "filterTypes");
        this.filterTypeKnown = t -> filterTypes.configType(t) != null;
        this.env = Objects.requireNonNull(env, "env");
    }

    /** A loader reading the process environment, for which no filter type is known yet. */
    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(FilterTypes.none(), System::getenv);
    }

    /**
     * Reads and validates {@code file} (UTF-8, at most 8 MB) and the files it includes. Relative
     * directories and includes in it are resolved against the file's folder; errors name the file as
     * {@code file.toString()}.
     *
     * @throws ConfigException if the file cannot be read or has any error
     */
    public GatewayConfig load(Path file) throws ConfigException {
        String name = file.toString();
        String text = read(file, name);
        Path source = file.toAbsolutePath().normalize();
        Path parent = source.getParent() != null ? source.getParent() : source.getRoot();
        return parse(text, name, parent, source);
    }

    /**
     * Validates YAML text as if read from a file named {@code fileName} in {@code baseDir}.
     *
     * @param yaml     the document
     * @param fileName used in errors (and, by its last element, as {@link GatewayConfig#source()})
     * @param baseDir  folder that relative {@code plugins.dir}, {@code scripts.dir} and {@code include}
     *                 entries are resolved against
     * @throws ConfigException if the text has any error
     */
    public GatewayConfig parse(String yaml, String fileName, Path baseDir) throws ConfigException {
        Path base = baseDir.toAbsolutePath().normalize();
        Path source;
        try {
            Path last = Path.of(fileName).getFileName();
            source = last == null ? base : base.resolve(last);
        } catch (InvalidPathException e) {
            source = base;
        }
        return parse(yaml, fileName, base, source);
    }

    private GatewayConfig parse(String yaml, String fileName, Path base, Path source) throws ConfigException {
        YamlNodes y = new YamlNodes(fileName, env);
        if (yaml.length() > YamlComposer.MAX_CODE_POINTS) {
            y.error(0, "", "the file is too large: the limit is " + Units.formatSize(YamlComposer.MAX_CODE_POINTS)
                    + " characters");
            throw new ConfigException(y.errors());
        }
        Node root = YamlComposer.compose(yaml, y);
        if (y.hasErrors()) {
            throw new ConfigException(y.errors());
        }
        GatewayConfig config = build(root, y, base, source, fileName);
        if (y.hasErrors()) {
            throw new ConfigException(y.errors());
        }
        return config;
    }

    /** @return the config, or null when an included file could not be read (the problems are in {@code y}) */
    private GatewayConfig build(Node root, YamlNodes y, Path base, Path source, String fileName) {
        if (root != null && !(root instanceof MappingNode) && !YamlNodes.isNull(root)) {
            y.error(root, "", "expected a mapping of top-level keys (" + String.join(", ", TOP_KEYS) + "), got "
                    + YamlNodes.describe(root));
            root = null;
        }
        Fields top = y.mapping(root, root, "", TOP_KEYS);
        Includes includes = new Includes(y, base, fileName, source);
        includes.read(top);
        if (!includes.complete()) {
            return null;
        }
        List<Fields> tops = new ArrayList<>();
        tops.add(top);
        tops.addAll(includes.parts());
        for (String key : NOT_YET) {
            if (top.present(key) && !isEmpty(top.value(key))) {
                y.error(top.keyNode(key), key, "not supported by this version yet");
            }
        }
        ServerParser servers = new ServerParser(y);
        ServerConfig server = servers.server(top);
        AdminConfig admin = servers.admin(top);
        DirConfig plugins = dir(top, "plugins", base, y);
        DirConfig scripts = dir(top, "scripts", base, y);
        DemoConfig demo = servers.demo(top);
        Map<String, UpstreamConfig> upstreams = new UpstreamParser(y).parse(tops);
        SharedParser shared = new SharedParser(y);
        List<ConfiguredConsumer> consumers = shared.consumers(top);
        Optional<RedisSettings> redis = shared.redis(top);
        FilterParser filterParser = new FilterParser(y, filterTypeKnown, filterTypes);
        List<FilterConfig> filters = filterParser.list(top, "filters");
        List<RouteConfig> routes = new RouteParser(y, filterParser).parse(tops, upstreams.keySet());
        TelemetryConfig telemetry = new TelemetryParser(y).telemetry(top, base);
        return new GatewayConfig(source, server, admin, plugins, scripts, demo, upstreams, consumers, redis, filters, routes,
                includes.files(), includes.directories(), telemetry);
    }

    private static boolean isEmpty(Node node) {
        return YamlNodes.isNull(node)
                || node instanceof SequenceNode s && s.getValue().isEmpty()
                || node instanceof MappingNode m && m.getValue().isEmpty();
    }

    /** {@code plugins: { dir }} / {@code scripts: { dir }}: default {@code name}, relative to {@code base}. */
    private static DirConfig dir(Fields top, String name, Path base, YamlNodes y) {
        Fields f = top.mapping(name, DIR_KEYS);
        Path dir = f.scalar("dir", "a directory path").flatMap(s -> {
            try {
                if (!s.text().isBlank() && s.text().indexOf('\0') < 0) {
                    return Optional.of(Path.of(s.text()));
                }
            } catch (InvalidPathException e) {
                // reported below
            }
            y.invalid(s, "a directory path like " + name + " or /opt/portico/" + name);
            return Optional.<Path>empty();
        }).orElse(Path.of(name));
        return new DirConfig(base.resolve(dir).toAbsolutePath().normalize());
    }

    /** The text of {@code file} (UTF-8, at most {@link #MAX_FILE_BYTES}); errors name it {@code name}. */
    static String read(Path file, String name) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw fileError(name, "expected a YAML file, got a directory");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw fileError(name, "cannot read the file: it does not exist");
        } catch (AccessDeniedException e) {
            throw fileError(name, "cannot read the file: permission denied");
        } catch (IOException e) {
            throw fileError(name, "cannot read the file: " + e.getMessage());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw fileError(name, "the file is too large: the limit is " + Units.formatSize(MAX_FILE_BYTES));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fileError(name, "expected a UTF-8 text file, got bytes that are not UTF-8");
        }
    }

    private static ConfigException fileError(String name, String message) {
        return new ConfigException(List.of(new ConfigError(name, 0, "", message)));
    }
}
