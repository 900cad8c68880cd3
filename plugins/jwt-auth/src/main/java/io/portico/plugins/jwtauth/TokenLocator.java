package io.portico.plugins.jwtauth;

import io.portico.api.Headers;
import io.portico.api.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the token in a request (header, then cookie, then query parameter) and removes it. Immutable.
 */
final class TokenLocator {
    private static final String BEARER = "bearer ";

    /** Where a token was found: {@code value} is the token, or null when the source was present but malformed. */
    record Found(Source source, String value) {
    }

    enum Source { HEADER, COOKIE, QUERY }

    private final String header;
    private final boolean authorization;
    private final Optional<String> cookie;
    private final Optional<String> queryParam;

    TokenLocator(String header, Optional<String> cookie, Optional<String> queryParam) {
        this.header = header;
        this.authorization = header.equalsIgnoreCase("Authorization");
        this.cookie = cookie;
        this.queryParam = queryParam;
    }

    /**
     * The token of {@code request}. Empty when no source carries one: no header, or an {@code Authorization}
     * header with another scheme (Basic …), no cookie, no query parameter. A source given more than once, or an
     * empty {@code Bearer}, is found with a null value (invalid).
     */
    Optional<Found> find(Request request) {
        List<String> values = request.headers().all(header);
        if (!values.isEmpty()) {
            if (values.size() > 1) {
                return Optional.of(new Found(Source.HEADER, null));
            }
            String v = values.get(0).strip();
            if (v.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String t = v.substring(BEARER.length()).strip();
                return Optional.of(new Found(Source.HEADER, t.isEmpty() ? null : t));
            }
            if (!authorization) {
                return Optional.of(new Found(Source.HEADER, v.isEmpty() ? null : v));
            }
            if (v.equalsIgnoreCase("bearer")) {
                return Optional.of(new Found(Source.HEADER, null));
            }
        }
        if (cookie.isPresent()) {
            List<String> found = cookies(request.headers(), cookie.get());
            if (!found.isEmpty()) {
                return Optional.of(new Found(Source.COOKIE, found.size() == 1 && !found.get(0).isEmpty() ? found.get(0) : null));
            }
        }
        if (queryParam.isPresent()) {
            List<String> found = request.query().all(queryParam.get());
            if (!found.isEmpty()) {
                return Optional.of(new Found(Source.QUERY, found.size() == 1 && !found.get(0).isEmpty() ? found.get(0) : null));
            }
        }
        return Optional.empty();
    }

    /** Removes the token from where it was found (the other sources are left alone). */
    void strip(Request request, Source source) {
        switch (source) {
            case HEADER -> request.headers().remove(header);
            case QUERY -> request.query().remove(queryParam.orElseThrow());
            case COOKIE -> removeCookie(request.headers(), cookie.orElseThrow());
        }
    }

    private static List<String> cookies(Headers headers, String name) {
        List<String> found = new ArrayList<>();
        for (String line : headers.all("Cookie")) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String v = pair.substring(eq + 1).strip();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    found.add(v);
                }
            }
        }
        return found;
    }

    private static void removeCookie(Headers headers, String name) {
        List<String> kept = new ArrayList<>();
        for (String line : headers.all("Cookie")) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                String n = (eq > 0 ? pair.substring(0, eq) : pair).strip();
                if (!n.equals(name) && !pair.isBlank()) {
                    kept.add(pair.strip());
                }
            }
        }
        headers.remove("Cookie");
        if (!kept.isEmpty()) {
            headers.set("Cookie", String.join("; ", kept));
        }
    }
}
