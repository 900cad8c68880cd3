package io.portico.plugins.cors;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** Origin parsing: {@code scheme://host[:port]}, compared by its lower-cased form without a default port. */
final class Origins {
    private Origins() {
    }

    /**
     * The canonical form of an origin ({@code https://app.example.com}, {@code http://localhost:3000}):
     * scheme and host lower-cased, {@code :80} for http and {@code :443} for https dropped. Empty when
     * {@code text} is not a serialized origin (a path, query, user info, or {@code null}).
     */
    static Optional<String> canonical(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
                    || ("https".equals(scheme) && port == 443);
            return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
