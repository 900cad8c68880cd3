package io.portico.core.admin;

import io.portico.core.config.ConfigError;

/** Writes a {@link ConfigError} as {@code {"file","line","key","message"}}. Stateless. */
final class ConfigErrors {
    private ConfigErrors() {
    }

    static void write(JsonWriter w, ConfigError e) {
        w.beginObject()
                .field("file", e.file())
                .field("line", e.line())
                .field("key", e.key())
                .field("message", e.message())
                .endObject();
    }
}
