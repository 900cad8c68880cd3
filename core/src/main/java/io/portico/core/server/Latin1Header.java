package io.portico.core.server;

import io.helidon.common.GenericType;
import io.helidon.common.mapper.MapperException;
import io.helidon.common.mapper.Value;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderValues;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A relayed header whose value holds obs-text (bytes 0x80–0xFF, e.g. a UTF-8 file name in
 * {@code Content-Disposition}). The upstream client keeps such bytes as ISO-8859-1 characters; Helidon
 * would write them as {@code ?} (US-ASCII), so this header writes them back byte for byte. Everything else
 * delegates to Helidon's own header value. Immutable.
 */
final class Latin1Header implements Header {
    private final Header delegate;
    private final byte[] bytes;

    Latin1Header(HeaderName name, String latin1Value) {
        this.delegate = HeaderValues.create(name, latin1Value);
        this.bytes = latin1Value.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code value} needs this class (has a character above 0x7E). */
    static boolean needed(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7E) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] valueBytes() {
        return bytes.clone();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String get() {
        return delegate.get();
    }

    @Override
    public <N> Value<N> as(Class<N> type) throws MapperException {
        return delegate.as(type);
    }

    @Override
    public <N> Value<N> as(GenericType<N> type) throws MapperException {
        return delegate.as(type);
    }

    @Override
    public <N> Value<N> as(Function<? super String, ? extends N> mapper) {
        return delegate.as(mapper);
    }

    @Override
    public Optional<String> asOptional() throws MapperException {
        return delegate.asOptional();
    }

    @Override
    public Value<Boolean> asBoolean() {
        return delegate.asBoolean();
    }

    @Override
    public Value<String> asString() {
        return delegate.asString();
    }

    @Override
    public Value<Integer> asInt() {
        return delegate.asInt();
    }

    @Override
    public Value<Long> asLong() {
        return delegate.asLong();
    }

    @Override
    public Value<Double> asDouble() {
        return delegate.asDouble();
    }

    @Override
    public HeaderName headerName() {
        return delegate.headerName();
    }

    @Override
    public List<String> allValues() {
        return delegate.allValues();
    }

    @Override
    public int valueCount() {
        return 1;
    }

    @Override
    public boolean sensitive() {
        return false;
    }

    @Override
    public boolean changing() {
        return false;
    }
}
