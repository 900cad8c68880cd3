package io.portico.plugins.transform;

import java.util.Optional;

/**
 * What {@code transform} changes in the response before it goes to the client.
 *
 * @param headers response header edits
 * @param body    JSON body field edits
 */
public record ResponseRules(Optional<NameRules> headers, Optional<BodyRules> body) {

    /** @throws IllegalArgumentException for invalid header names or values */
    public ResponseRules {
        headers = headers == null ? Optional.empty() : headers;
        body = body == null ? Optional.empty() : body;
        headers.ifPresent(h -> h.checkHeaders("response.headers"));
    }
}
