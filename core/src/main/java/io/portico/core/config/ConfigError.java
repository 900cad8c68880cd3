package io.portico.core.config;

/**
 * One problem found in a config file.
 *
 * @param file    the file, as given by the user (for messages)
 * @param line    1-based line, or 0 when the problem is not tied to a line
 * @param key     dotted path of the key, e.g. {@code routes[2].match.path}; empty for the whole file
 * @param message what is wrong and what was expected
 */
public record ConfigError(String file, int line, String key, String message) {
    /** {@code file:line: key: message}, the form printed by {@code portico validate}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }
}
