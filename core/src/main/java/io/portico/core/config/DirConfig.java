package io.portico.core.config;

import java.nio.file.Path;

/**
 * A directory setting ({@code plugins:} or {@code scripts:}).
 *
 * @param dir absolute; a relative value in the file is resolved against the config file's folder
 */
public record DirConfig(Path dir) {
}
