package io.portico.core.plugin;

import java.nio.file.Path;

import org.pf4j.DefaultPluginManager;
import org.pf4j.RuntimeMode;

/**
 * A PF4J manager for exactly one plugin version, always in deployment mode (whatever {@code pf4j.mode}
 * says): plain jars and zips (expanded next to the staged copy). Not thread-safe; confined to the host's
 * scan and to {@link LoadedPlugin#unload()}.
 */
final class HostPluginManager extends DefaultPluginManager {

    HostPluginManager(Path root) {
        super(root);
        setSystemVersion(SYSTEM_VERSION);
    }

    /**
     * Portico's version as PF4J compares it with {@code Plugin-Requires}: the release part only (PF4J ranks
     * {@code 0.1.0-SNAPSHOT} below {@code 0.1.0}), or {@code 0.0.0} (no check) when unknown.
     */
    static final String SYSTEM_VERSION = releasePart(io.portico.core.Portico.version());

    static String releasePart(String version) {
        String v = version.replaceFirst("[-+].*$", "");
        return v.matches("[0-9]+(\\.[0-9]+){0,2}") ? v : "0.0.0";
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }
}
