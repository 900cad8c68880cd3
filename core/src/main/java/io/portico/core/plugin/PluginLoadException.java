package io.portico.core.plugin;

/** A plugin file could not be loaded, started or registered; the message says why, for the log and the status. */
final class PluginLoadException extends Exception {
    private final String pluginId;
    private final String version;

    PluginLoadException(String pluginId, String version, String message, Throwable cause) {
        super(message, cause);
        this.pluginId = pluginId;
        this.version = version;
    }

    /** The plugin id, or null when the descriptor was not read. */
    String pluginId() {
        return pluginId;
    }

    /** The plugin version, or null. */
    String version() {
        return version;
    }
}
