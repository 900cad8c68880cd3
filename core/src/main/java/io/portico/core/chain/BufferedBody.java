package io.portico.core.chain;

import io.portico.api.Body;
import io.portico.api.BodyTooLargeException;

import java.nio.charset.StandardCharsets;

/**
 * A {@link Body} that is read into memory only when a filter asks for it. The first {@link #bytes()} or
 * {@link #text()} calls the {@link Source} once (blocking), bounded by the limit; a failure is remembered
 * and thrown again on later calls. One request's thread; not thread-safe.
 */
public final class BufferedBody implements Body {

    /** Reads a whole body. */
    @FunctionalInterface
    public interface Source {
        /** @throws BodyTooLargeException when the body has more than {@code limit} bytes */
        byte[] readAll(long limit);
    }

    private static final byte[] EMPTY = new byte[0];

    private final long limit;
    private boolean present;
    private long declaredLength;
    private Source source;
    private byte[] content;
    private boolean replaced;
    private RuntimeException failure;

    /**
     * @param present        whether there is a body
     * @param declaredLength its declared length, or -1
     * @param limit          the most bytes it may be buffered to
     * @param source         reads it; may be null when {@code present} is false
     */
    public BufferedBody(boolean present, long declaredLength, long limit, Source source) {
        this.present = present;
        this.declaredLength = declaredLength;
        this.limit = limit;
        this.source = source;
    }

    /** A body already in memory (a filter's answer). */
    public static BufferedBody of(byte[] content) {
        byte[] c = content == null ? EMPTY : content;
        BufferedBody b = new BufferedBody(c.length > 0, c.length > 0 ? c.length : -1, Long.MAX_VALUE, null);
        b.content = c;
        return b;
    }

    @Override
    public boolean present() {
        return present;
    }

    @Override
    public long declaredLength() {
        return declaredLength;
    }

    @Override
    public byte[] bytes() {
        return load().clone();
    }

    @Override
    public String text() {
        return new String(load(), StandardCharsets.UTF_8);
    }

    @Override
    public void replace(byte[] content) {
        this.content = content == null ? EMPTY : content.clone();
        this.source = null;
        this.failure = null;
        this.replaced = true;
        this.present = this.content.length > 0;
        this.declaredLength = this.content.length;
    }

    /** Whether the content is in memory (read or replaced): the gateway then sends it with a fresh length. */
    public boolean inMemory() {
        return content != null;
    }

    /** Whether a filter replaced the content. */
    public boolean replaced() {
        return replaced;
    }

    /** Whether reading it failed (the original body is then no longer available to forward). */
    public boolean failed() {
        return failure != null;
    }

    /** The failure of the read, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /** The content in memory, not copied (for the gateway's writer); null unless {@link #inMemory()}. */
    public byte[] content() {
        return content;
    }

    private byte[] load() {
        if (content != null) {
            return content;
        }
        if (failure != null) {
            throw failure;
        }
        if (!present || source == null) {
            content = EMPTY;
            return content;
        }
        try {
            content = source.readAll(limit);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            source = null;
        }
        return content;
    }
}
