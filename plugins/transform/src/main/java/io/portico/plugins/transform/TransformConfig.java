package io.portico.plugins.transform;

import java.util.Optional;

/**
 * Configuration of the {@code transform} filter.
 *
 * @param request edits of the request (headers, query, path, JSON body)
 * @param response edits of the response (headers, JSON body)
 */
public record TransformConfig(Optional<RequestRules> request, Optional<ResponseRules> response) {

    /** @throws IllegalArgumentException when neither request nor response is given */
    public TransformConfig {
        request = request == null ? Optional.empty() : request;
        response = response == null ? Optional.empty() : response;
        if (request.isEmpty() && response.isEmpty()) {
            throw new IllegalArgumentException("request, response: give at least one of them");
        }
    }
}
