package io.portico.core.config;

import java.util.Map;

/**
 * One entry of a {@code filters:} list, before it is bound to its type's config record.
 *
 * @param type    the filter type name ({@code type:} key)
 * @param options every other key of the entry, as parsed YAML values (String, Number, Boolean, List, Map),
 *                with {@code ${VAR}} already substituted
 * @param file    the config file it came from
 * @param line    the line of the entry in that file
 */
public record FilterConfig(String type, Map<String, Object> options, String file, int line) {
    public FilterConfig {
        options = Map.copyOf(options);
    }
}
