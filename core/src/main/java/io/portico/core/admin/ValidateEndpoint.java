package io.portico.core.admin;

import io.portico.core.config.ConfigError;
import io.portico.core.config.ConfigException;
import io.portico.core.config.GatewayConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code POST /admin/config/validate}: checks a YAML document (the body, at most {@link #MAX_BYTES}) the way a
 * reload would, without applying anything: with the filter types loaded now (so filter options are bound
 * and checked) and relative {@code include:}, {@code plugins.dir} and {@code scripts.dir} resolved against the
 * running configuration's folder. Errors in the body name the file {@value #FILE_NAME}. Filters are not
 * created (no script is compiled, no connection is opened): that is left to the reload itself. Answers
 * {@code {"valid":true,"errors":[]}} or {@code {"valid":false,"errors":[{file, line, key, message}]}}.
 * Stateless.
 */
final class ValidateEndpoint {
    /** Largest body accepted (413 above). */
    static final int MAX_BYTES = 1 << 20;
    /** The file name errors in the body carry. */
    static final String FILE_NAME = "request-body.yaml";

    private ValidateEndpoint() {
    }

    static String render(AdminSources sources, String yaml) {
        GatewayConfig running = sources.config().get();
        Path base = running.source().toAbsolutePath().normalize().getParent();
        List<ConfigError> errors;
        try {
            sources.loader().parse(yaml, FILE_NAME, base == null ? Path.of(".") : base);
            errors = List.of();
        } catch (ConfigException e) {
            errors = e.errors();
        }
        JsonWriter w = new JsonWriter().beginObject().field("valid", errors.isEmpty()).name("errors").beginArray();
        for (ConfigError e : errors) {
            ConfigErrors.write(w, e);
        }
        return w.endArray().endObject().toString();
    }
}
