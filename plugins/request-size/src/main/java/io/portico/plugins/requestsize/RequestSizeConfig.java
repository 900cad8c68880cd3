package io.portico.plugins.requestsize;

import io.portico.api.ByteSize;

/**
 * Configuration of the {@code request-size} filter.
 *
 * @param maxBodySize the largest request body accepted on the route ({@code 512KB}, {@code 1MB}); required
 */
public record RequestSizeConfig(ByteSize maxBodySize) {

    /** @throws IllegalArgumentException when {@code max-body-size} is missing */
    public RequestSizeConfig {
        if (maxBodySize == null) {
            throw new IllegalArgumentException("max-body-size: required, e.g. 1MB");
        }
    }
}
