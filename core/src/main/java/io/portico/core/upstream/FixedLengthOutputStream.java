package io.portico.core.upstream;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a body of a declared length and refuses to write more; {@link #finish()} checks that exactly
 * the declared number of bytes went out, so a short client body can never leave the upstream waiting
 * for bytes that belong to the next request. One thread.
 */
final class FixedLengthOutputStream extends OutputStream {
    private final OutputStream out;
    private long remaining;

    FixedLengthOutputStream(OutputStream out, long length) {
        this.out = out;
        this.remaining = length;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new ClientBodyException(400, "The request body is longer than its Content-Length.", null);
        }
        out.write(b, off, len);
        remaining -= len;
    }

    void finish() {
        if (remaining != 0) {
            throw new ClientBodyException(400, "The request body is shorter than its Content-Length.", null);
        }
    }
}
