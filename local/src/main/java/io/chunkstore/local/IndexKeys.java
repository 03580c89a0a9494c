package io.chunkstore.local;

import io.chunkstore.spi.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RocksDB key of an index entry: {@code uvarint(table id) ‖ uvarint(len(hash)) ‖ hash ‖ range},
 * where {@code hash} is the UTF-8 hash value and {@code uvarint} is the unsigned LEB128 varint
 * (protobuf's). A varint is self-delimiting, so the table id prefix keeps every table's entries
 * contiguous and apart from every other table's; the length prefix makes the layout unambiguous for
 * any hash string, 0x00 bytes included, and keeps every entry of one hash contiguous, its range
 * values in ascending unsigned order (RocksDB's default bytewise comparator). The value is stored
 * as is. The first layout (one column family per table) had no table id prefix: {@link #key(String,
 * byte[])} is the key within a table in both.
 */
final class IndexKeys {
    private IndexKeys() {}

    /** The common prefix of every key of one table: {@code uvarint(id)}. */
    static byte[] tablePrefix(int tableId) {
        if (tableId < 0) {
            throw new IllegalArgumentException("table ids are not negative: " + tableId);
        }
        byte[] out = new byte[varintSize(tableId)];
        putVarint(out, tableId);
        return out;
    }

    /** The table id a {@link #tablePrefix} holds. */
    static int tableId(byte[] tablePrefix) {
        long id = 0;
        int shift = 0;
        for (int i = 0; i < tablePrefix.length && shift <= 28; i++, shift += 7) {
            id |= (long) (tablePrefix[i] & 0x7F) << shift;
            if ((tablePrefix[i] & 0x80) == 0) {
                if (i != tablePrefix.length - 1 || id > Integer.MAX_VALUE) {
                    break;
                }
                return (int) id;
            }
        }
        throw new IllegalArgumentException("not a table id: " + Bytes.hex(tablePrefix));
    }

    /** The common prefix of every key of this hash value's row, within a table. */
    static byte[] rowPrefix(String hashValue) {
        byte[] hash = hashValue.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[varintSize(hash.length) + hash.length];
        int off = putVarint(out, hash.length);
        System.arraycopy(hash, 0, out, off, hash.length);
        return out;
    }

    static byte[] key(byte[] rowPrefix, byte[] rangeValue) {
        return Bytes.concat(rowPrefix, rangeValue);
    }

    static byte[] key(String hashValue, byte[] rangeValue) {
        return key(rowPrefix(hashValue), rangeValue);
    }

    /** The range value of a key of the row with this prefix. */
    static byte[] rangeValue(byte[] key, int rowPrefixLength) {
        return Arrays.copyOfRange(key, rowPrefixLength, key.length);
    }

    /** The hash value of any key (for inspection tools). */
    static String hashValue(byte[] key) {
        long len = 0;
        int shift = 0;
        int i = 0;
        while (true) {
            if (i >= key.length || shift > 28) {
                throw new IllegalArgumentException("not an index key: " + Bytes.hex(key));
            }
            byte b = key[i++];
            len |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (i + len > key.length) {
            throw new IllegalArgumentException("not an index key: " + Bytes.hex(key));
        }
        return new String(key, i, (int) len, StandardCharsets.UTF_8);
    }

    /**
     * The exclusive upper bound of the keys starting with {@code prefix}: never null here, because
     * a row prefix ends with a byte below 0x80 or with hash bytes of valid UTF-8, and neither is
     * all 0xFF.
     */
    static byte[] upperBound(byte[] prefix) {
        byte[] next = Bytes.nextPrefix(prefix);
        if (next == null) {
            throw new IllegalStateException("no upper bound for " + Bytes.hex(prefix));
        }
        return next;
    }

    static int varintSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] out, int v) {
        int i = 0;
        while ((v & ~0x7F) != 0) {
            out[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[i++] = (byte) v;
        return i;
    }
}
