package io.portico.core.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of a {@code filters:} list (global or a route's).
 *
 * @param type    the filter type name ({@code type:} key)
 * @param options every other key of the entry except {@code on-error}, {@code before} and {@code after}, as
 *                parsed YAML values (String, Number, Boolean, List, Map), with {@code ${VAR}} substituted
 * @param onError what a bug in the filter (an exception) does to the request
 * @param before  filter types this one must run before, within its phase
 * @param after   filter types this one must run after, within its phase
 * @param config  {@code options} bound to the type's config record ({@link FilterTypes}); null only when
 *                the loader was given no way to bind (tests of the YAML layer)
 * @param file    the config file it came from
 * @param line    the line of the entry in that file
 */
public record FilterConfig(String type, Map<String, Object> options, OnError onError, List<String> before,
                           List<String> after, Record config, String file, int line) {
    public FilterConfig {
        options = Map.copyOf(options);
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /** An entry with only a type and options (defaults for the rest), unbound. */
    public FilterConfig(String type, Map<String, Object> options, String file, int line) {
        this(type, options, OnError.FAIL_CLOSED, List.of(), List.of(), null, file, line);
    }

    /** {@code on-error:}. */
    public enum OnError {
        /** Answer 500 naming the filter (default). */
        FAIL_CLOSED,
        /** Log and go on as if the filter had not run. */
        FAIL_OPEN
    }
}
