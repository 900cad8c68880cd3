package io.portico.core.plugin;

import io.portico.api.FilterFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real PF4J plugin jars at test time: compiles Java sources against the plugin-api classes (and pf4j)
 * found on the test classpath, writes the manifest and {@code META-INF/extensions.idx}, and jars them.
 */
public final class PluginJars {
    private final Path work;
    private int seq;

    public PluginJars(Path work) {
        this.work = work;
    }

    /** A plugin jar builder. */
    public Builder plugin(String id, String version) {
        return new Builder(id, version);
    }

    /** Source of a filter factory {@code pkg.Factory} of {@code type} whose filters answer 200 with {@code X-Version: tag}. */
    public static String factory(String pkg, String cls, String type, String tag) {
        return """
                package %1$s;

                import io.portico.api.*;

                public class %2$s implements FilterFactory<%2$s.Config> {
                    public record Config() {
                    }

                    public String type() { return "%3$s"; }

                    public Phase phase() { return Phase.TRANSFORM; }

                    public Class<Config> configType() { return Config.class; }

                    public GatewayFilter create(Config config, FilterContext context) {
                        return exchange -> Decision.respond(200).header("X-Version", "%4$s");
                    }
                }
                """.formatted(pkg, cls, type, tag);
    }

    public final class Builder {
        private final Map<String, String> manifest = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> extensions = new ArrayList<>();
        private boolean writeIndex = true;

        private Builder(String id, String version) {
            if (id != null) {
                manifest.put("Plugin-Id", id);
            }
            if (version != null) {
                manifest.put("Plugin-Version", version);
            }
        }

        public Builder manifest(String key, String value) {
            manifest.put(key, value);
            return this;
        }

        /** Adds a source file for class {@code fqcn}. */
        public Builder source(String fqcn, String code) {
            sources.put(fqcn, code);
            return this;
        }

        /** Lists {@code fqcn} in extensions.idx. */
        public Builder extension(String fqcn) {
            extensions.add(fqcn);
            return this;
        }

        /** Adds {@link PluginJars#factory} as {@code pkg.cls} and lists it as an extension. */
        public Builder factory(String pkg, String cls, String type, String tag) {
            return source(pkg + "." + cls, PluginJars.factory(pkg, cls, type, tag)).extension(pkg + "." + cls);
        }

        public Builder noIndex() {
            writeIndex = false;
            return this;
        }

        /** Compiles and jars it to {@code target} (written to a temp file, then moved atomically). */
        public Path jarTo(Path target) throws IOException {
            Path classes = compile();
            Path tmp = work.resolve("jar-" + (++seq) + ".tmp");
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), mf)) {
                if (writeIndex) {
                    out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
                    out.write((String.join("\n", extensions) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }

        private Path compile() throws IOException {
            Path src = Files.createDirectories(work.resolve("src-" + (++seq)));
            Path out = Files.createDirectories(work.resolve("classes-" + seq));
            List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "21", "-nowarn", "-d",
                    out.toString(), "-cp", location(FilterFactory.class) + java.io.File.pathSeparator
                            + location(org.pf4j.Plugin.class)));
            for (Map.Entry<String, String> s : sources.entrySet()) {
                Path f = src.resolve(s.getKey().replace('.', '/') + ".java");
                Files.createDirectories(f.getParent());
                Files.writeString(f, s.getValue());
                args.add(f.toString());
            }
            if (!sources.isEmpty()) {
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                int rc = javac.run(null, OutputStream.nullOutputStream(), System.err, args.toArray(String[]::new));
                if (rc != 0) {
                    throw new IllegalStateException("javac failed (" + rc + ") for " + sources.keySet());
                }
            }
            return out;
        }
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
