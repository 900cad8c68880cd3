package io.portico.plugins.transform;

import java.util.Optional;

/**
 * What {@code transform} changes in the request before it goes upstream.
 *
 * @param headers request header edits
 * @param query   query parameter edits (names are case-sensitive; values are plain, the gateway encodes them)
 * @param path    the new upstream path, starting with {@code /}, with optional {@code {param}} placeholders
 *                (values are percent-encoded as one path segment); the query is kept
 * @param body    JSON body field edits
 */
public record RequestRules(Optional<NameRules> headers, Optional<NameRules> query, Optional<String> path,
                           Optional<BodyRules> body) {

    /** @throws IllegalArgumentException for invalid header names or values, or a path not usable as is */
    public RequestRules {
        headers = headers == null ? Optional.empty() : headers;
        query = query == null ? Optional.empty() : query;
        path = path == null ? Optional.empty() : path;
        body = body == null ? Optional.empty() : body;
        headers.ifPresent(h -> h.checkHeaders("request.headers"));
        path.ifPresent(RequestRules::checkPath);
    }

    private static void checkPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("request.path: must start with /, got '" + path + "'");
        }
        String literal = Template.parse(path).literalText();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean escape = c == '%' && i + 2 < literal.length() && isHex(literal.charAt(i + 1)) && isHex(literal.charAt(i + 2));
            if (!(c == '/' || escape || Encoding.isSegmentChar(c))) {
                throw new IllegalArgumentException("request.path: '" + c + "' must be percent-encoded in '" + path
                        + "' (a path has no query or fragment; {name} is a route parameter)");
            }
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
