package io.portico.core.admin;

/**
 * {@code GET /admin/config}: the configuration in effect, with the restart-only sections as running, secrets
 * redacted (see {@link Redaction} and {@link ConfigView}). Stateless.
 */
final class ConfigEndpoint {
    private ConfigEndpoint() {
    }

    static String render(AdminSources sources) {
        return new JsonWriter().value(ConfigView.config(sources.config().get())).toString();
    }
}
