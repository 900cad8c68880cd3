package io.portico.core.plugin;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the plugin host knows about one plugin file or plugin version, for logs and {@code /admin/plugins}.
 *
 * @param file     the file in {@code plugins.dir} (absolute)
 * @param sha256   hex SHA-256 of the file's content when it was read
 * @param pluginId the manifest's {@code Plugin-Id}, or null when the descriptor could not be read
 * @param version  the manifest's {@code Plugin-Version}, or null
 * @param state    see {@link State}
 * @param types    the filter types it provides (registered, or that it would have provided)
 * @param error    why it failed (a {@link State#FAILED} entry), or null
 * @param at       when this state was reached
 */
public record PluginStatus(Path file, String sha256, String pluginId, String version, State state,
                           List<String> types, String error, Instant at) {
    public PluginStatus {
        types = List.copyOf(types);
    }

    /** The life of a plugin version. */
    public enum State {
        /** Started; its filter types are registered and used by new configurations. */
        ACTIVE,
        /** Loading or starting failed, or it was refused (duplicate type, invalid factory); never registered. */
        FAILED,
        /**
         * Replaced or removed: no longer registered, but still loaded because a configuration snapshot in use
         * may hold its filters; unloaded once every lease on it is released.
         */
        RETIRED
    }
}
