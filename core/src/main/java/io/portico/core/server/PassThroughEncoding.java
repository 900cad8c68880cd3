package io.portico.core.server;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

import java.util.Set;

/**
 * Lets request bodies with a {@code Content-Encoding} through untouched (a proxy forwards them as they
 * are; without an encoding registered Helidon answers 400). It never encodes responses.
 */
final class PassThroughEncoding implements ContentEncoding {
    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress", "identity");
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "passthrough";
    }

    @Override
    public String type() {
        return "passthrough";
    }
}
