package io.portico.plugins.testkit;

import io.portico.api.Body;
import io.portico.api.BodyTooLargeException;
import java.nio.charset.StandardCharsets;

/**
 * A body held in memory. {@link #chunked()} makes the declared length unknown; {@code limit} plays
 * {@code server.max-body-size}. {@link #reads()} counts {@link #bytes()}/{@link #text()} calls.
 */
public final class FakeBody implements Body {
    private byte[] content;
    private boolean chunked;
    private long limit = Long.MAX_VALUE;
    private int reads;
    private boolean replaced;

    private FakeBody(byte[] content) {
        this.content = content;
    }

    /** No body. */
    public static FakeBody empty() {
        return new FakeBody(null);
    }

    public static FakeBody of(String text) {
        return new FakeBody(text.getBytes(StandardCharsets.UTF_8));
    }

    public static FakeBody of(byte[] bytes) {
        return new FakeBody(bytes.clone());
    }

    /** This body sent without a declared length. */
    public FakeBody chunked() {
        this.chunked = true;
        return this;
    }

    /** This body with a buffering limit (like {@code server.max-body-size}). */
    public FakeBody limit(long limit) {
        this.limit = limit;
        return this;
    }

    @Override
    public boolean present() {
        return content != null && (chunked || content.length > 0);
    }

    @Override
    public long declaredLength() {
        return content == null || chunked ? -1 : content.length;
    }

    @Override
    public byte[] bytes() {
        reads++;
        if (content == null) {
            return new byte[0];
        }
        if (content.length > limit) {
            throw new BodyTooLargeException(limit);
        }
        return content.clone();
    }

    @Override
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void replace(byte[] bytes) {
        replaced = true;
        content = bytes.clone();
        chunked = false;
    }

    /** How often the body was buffered. */
    public int reads() {
        return reads;
    }

    /** Whether {@link #replace} was called. */
    public boolean replaced() {
        return replaced;
    }

    /** The current content as UTF-8 text, without counting as a read. */
    public String peek() {
        return content == null ? "" : new String(content, StandardCharsets.UTF_8);
    }
}
