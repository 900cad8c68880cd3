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
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }
}
