package io.chunkstore.loki.chunkenc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A buffered reader over one block's decompressed stream: Go varints, raw byte runs, end-of-block
 * detection and a count of bytes consumed. Byte runs of untrusted length are read incrementally, so
 * a bogus length costs at most the bytes the stream really holds.
 */
final class BlockInput implements AutoCloseable {
    /** A block's content that does not parse; the caller adds the chunk and block. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;
        final LokiChunkException.Problem problem;

        Malformed(LokiChunkException.Problem problem, String message) {
            super(message);
            this.problem = problem;
        }
    }

    private static final int BUFFER = 16 * 1024;

    /** Byte runs up to this size are allocated at once; longer ones grow as data arrives. */
    private static final int EAGER_ALLOCATION = 1 << 20;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    private long consumed;
    private boolean eof;

    BlockInput(InputStream in) {
        this.in = in;
        this.buf = new byte[BUFFER];
    }

    /** A reader over bytes already in memory (codec none): no copy, no buffer. */
    static BlockInput over(byte[] b, int off, int len) {
        return new BlockInput(b, off, len);
    }

    private BlockInput(byte[] b, int off, int len) {
        this.in = null;
        this.buf = b;
        this.pos = off;
        this.lim = off + len;
        this.eof = true;
    }

    long consumed() {
        return consumed;
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    /** True when the stream holds no more bytes. */
    boolean atEnd() throws IOException {
        return !fill();
    }

    private int readByte(String what) throws IOException {
        if (!fill()) {
            throw new Malformed(
                    LokiChunkException.Problem.MALFORMED_BLOCK,
                    "data ends in the middle of " + what);
        }
        consumed++;
        return buf[pos++] & 0xFF;
    }

    long uvarint(String what) throws IOException {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < GoVarints.MAX_LEN; i++) {
            int c = readByte(what);
            if (!GoVarints.fits(i, c)) {
                break;
            }
            if (c < 0x80) {
                return x | ((long) c << shift);
            }
            x |= (long) (c & 0x7F) << shift;
            shift += 7;
        }
        throw new Malformed(
                LokiChunkException.Problem.MALFORMED_BLOCK, what + " varint overflows 64 bits");
    }

    long varint(String what) throws IOException {
        return GoVarints.unzigzag(uvarint(what));
    }

    /** Reads exactly {@code n} bytes, failing when the stream ends first. */
    byte[] bytes(int n, String what) throws IOException {
        if (n == 0) {
            return io.chunkstore.spi.Bytes.EMPTY;
        }
        byte[] out = new byte[Math.min(n, EAGER_ALLOCATION)];
        int got = 0;
        while (got < n) {
            if (!fill()) {
                throw new Malformed(
                        LokiChunkException.Problem.MALFORMED_BLOCK,
                        "data ends in the middle of " + what + " (" + got + " of " + n + " bytes)");
            }
            if (got == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, Math.max(out.length * 2L, 1)));
            }
            int k = Math.min(lim - pos, Math.min(n, out.length) - got);
            System.arraycopy(buf, pos, out, got, k);
            pos += k;
            got += k;
            consumed += k;
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
