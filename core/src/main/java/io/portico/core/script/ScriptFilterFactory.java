package io.portico.core.script;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import java.util.Objects;

/**
 * The built-in {@code script} filter type: each entry runs one JavaScript file of {@code scripts.dir} (see
 * {@link ScriptLibrary}). The filter runs in the phase the script's default export declares, not in
 * {@link #phase()}. Creating a filter compiles the file if no configuration used it before; a file that is
 * missing or does not compile makes the entry invalid (an error naming the entry's file and line, and the
 * script's file, line and column). Thread-safe.
 */
public final class ScriptFilterFactory implements FilterFactory<ScriptFilterConfig> {
    /** The type name in configurations. */
    public static final String TYPE = "script";

    private final ScriptLibrary library;

    public ScriptFilterFactory(ScriptLibrary library) {
        this.library = Objects.requireNonNull(library, "library");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Only a default for ordering constraints that name {@code script}; each filter has its script's phase. */
    @Override
    public Phase phase() {
        return Phase.TRANSFORM;
    }

    @Override
    public Class<ScriptFilterConfig> configType() {
        return ScriptFilterConfig.class;
    }

    @Override
    public GatewayFilter create(ScriptFilterConfig config, FilterContext context) {
        ScriptSlot slot = library.resolve(config.file());
        ScriptVersion v = slot.current();
        if (v == null) {
            ScriptError e = slot.lastError();
            throw new IllegalArgumentException("script '" + config.file() + "' is not loaded: "
                    + (e == null ? "unknown reason" : e));
        }
        return new ScriptFilter(slot, v.phase(), config.budget(), new JsConfig(config.config()), context.logger());
    }
}
