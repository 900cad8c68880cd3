package io.portico.core.upstream;

import java.io.IOException;

/** The target sent something that is not valid HTTP/1.1 (answered 502; the connection is discarded). */
final class UpstreamProtocolException extends IOException {
    UpstreamProtocolException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
