package io.portico.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link ConfigLoader} when a file has one or more errors; carries all of them. */
public final class ConfigException extends Exception {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    /** Every error found, in file order. Never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}
