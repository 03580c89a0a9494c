package io.chunkstore.dynamodb;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The physical layout of Cortex's pkg/chunk/aws/dynamodb_storage_client.go, shared by reads and
 * writes.
 *
 * <p>Index item: {@code h} (S) = hash value, {@code r} (B) = range value, {@code c} (B) = value,
 * absent when empty.
 *
 * <p>Chunk item, as Cortex writes it: {@code h} = external key, {@code r} = the single byte 0x63
 * ("c"), {@code c} = the encoded chunk. A chunk too large for one 400 KB item is split: the head
 * item keeps {@code r = "c"} and holds part 1 in {@code c}, plus {@code n} (N) = the number of
 * parts and {@code s} (N) = the chunk's total length in bytes; part {@code i} (2..n) is the item
 * {@code h} = external key, {@code r} = 0x63 followed by {@code i} as a 4-byte big-endian unsigned
 * integer, {@code c} = its bytes. A head without {@code n} is a whole chunk (every chunk Cortex
 * wrote).
 */
final class Layout {
    static final String HASH = "h";
    static final String RANGE = "r";
    static final String VALUE = "c";

    /** Number of parts of a split chunk (on the head item only). */
    static final String PARTS = "n";

    /** Total length of a split chunk in bytes (on the head item only). */
    static final String SIZE = "s";

    /** The range value of a chunk item: one byte, "c". */
    static final byte[] CHUNK_RANGE = {0x63};

    /** DynamoDB's item size limit: 400 KB, attribute names and values included. */
    static final int MAX_ITEM_BYTES = 400 * 1024;

    /**
     * Room left in every chunk item for attribute names, the range value and the part count / size
     * numbers.
     */
    static final int ITEM_OVERHEAD_MARGIN = 4096;

    /** The largest chunk this backend stores: 64 MiB (about 165 items). */
    static final long MAX_CHUNK_SIZE = 64L << 20;

    static final int MAX_WRITE_BATCH = 25;
    static final int MAX_GET_BATCH = 100;

    private Layout() {}

    static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    static AttributeValue b(byte[] v) {
        return AttributeValue.builder().b(SdkBytes.fromByteArrayUnsafe(v)).build();
    }

    static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    static Map<String, AttributeValue> key(String hash, byte[] range) {
        Map<String, AttributeValue> k = new HashMap<>(4);
        k.put(HASH, s(hash));
        k.put(RANGE, b(range));
        return k;
    }

    /**
     * An index cell as an item: {@code h}, {@code r} and, when the value is not empty, {@code c}.
     */
    static Map<String, AttributeValue> indexItem(IndexEntry e) {
        Map<String, AttributeValue> item = key(e.hashValue(), e.rangeValue());
        if (e.value().length > 0) {
            item.put(VALUE, b(e.value()));
        }
        return item;
    }

    static byte[] bytes(AttributeValue v) {
        return v == null || v.b() == null ? Bytes.EMPTY : v.b().asByteArrayUnsafe();
    }

    /**
     * The range value of part {@code part} (2..n) of a split chunk: "c" followed by the part as 4
     * bytes.
     */
    static byte[] partRange(int part) {
        if (part < 2) {
            throw new IllegalArgumentException(
                    "parts are numbered from 2 (part 1 is the head item), got " + part);
        }
        return ByteBuffer.allocate(5).put((byte) 0x63).putInt(part).array();
    }

    /** The bytes of one item that may carry chunk data, for a chunk of this external key. */
    static int partSize(String externalKey) {
        return MAX_ITEM_BYTES
                - ITEM_OVERHEAD_MARGIN
                - externalKey.getBytes(StandardCharsets.UTF_8).length;
    }

    /** How many items a chunk of {@code length} bytes takes under this key. */
    static int partCount(String externalKey, long length) {
        int size = partSize(externalKey);
        return length <= size ? 1 : (int) ((length + size - 1) / size);
    }

    /** One item of a chunk: its range value and the item. */
    record ChunkItem(byte[] range, Map<String, AttributeValue> item, boolean head) {}

    /**
     * The items of a chunk: one Cortex item when it fits, else parts 2..n followed by the head
     * (write them in that order, and the head last).
     */
    static List<ChunkItem> chunkItems(String externalKey, byte[] encoded) {
        int parts = partCount(externalKey, encoded.length);
        if (parts == 1) {
            Map<String, AttributeValue> item = key(externalKey, CHUNK_RANGE);
            if (encoded.length > 0) {
                item.put(VALUE, b(encoded));
            }
            return List.of(new ChunkItem(CHUNK_RANGE, item, true));
        }
        int size = partSize(externalKey);
        List<ChunkItem> out = new ArrayList<>(parts);
        for (int p = 2; p <= parts; p++) {
            int from = (p - 1) * size;
            int to = Math.min(encoded.length, from + size);
            byte[] range = partRange(p);
            Map<String, AttributeValue> item = key(externalKey, range);
            item.put(VALUE, b(java.util.Arrays.copyOfRange(encoded, from, to)));
            out.add(new ChunkItem(range, item, false));
        }
        Map<String, AttributeValue> head = key(externalKey, CHUNK_RANGE);
        head.put(VALUE, b(java.util.Arrays.copyOfRange(encoded, 0, size)));
        head.put(PARTS, n(parts));
        head.put(SIZE, n(encoded.length));
        out.add(new ChunkItem(CHUNK_RANGE, head, true));
        return out;
    }

    /** Whether a range value belongs to a chunk's items (the head "c" or a part "c" + 4 bytes). */
    static boolean isChunkRange(byte[] r) {
        return r.length > 0 && r[0] == 0x63 && (r.length == 1 || r.length == 5);
    }
}
