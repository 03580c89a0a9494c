package io.chunkstore.bigtable;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

/**
 * How index cells sit in Bigtable rows, one constant per Cortex store type
 * (pkg/chunk/gcp/bigtable_index_client.go). Every cell is in column family {@value #FAMILY} at
 * timestamp 0.
 *
 * <table>
 *   <caption>layouts</caption>
 *   <tr><th>layout</th><th>store names</th><th>row key</th><th>qualifier</th></tr>
 *   <tr><td>{@link #GCP}</td><td>{@code gcp}</td><td>{@code hash ‖ 0x00 ‖ range}</td><td>{@code c}</td></tr>
 *   <tr><td>{@link #COLUMN_KEY}</td><td>{@code gcp-columnkey}, {@code bigtable}</td><td>{@code hash}</td>
 *       <td>range value</td></tr>
 *   <tr><td>{@link #HASHED}</td><td>{@code bigtable-hashed}</td>
 *       <td>{@code hex(le64(fnv1a64(hash))) ‖ "-" ‖ hash}</td><td>range value</td></tr>
 * </table>
 *
 * Hash values are stored as their UTF-8 bytes.
 */
public enum IndexLayout {
    /** Cortex's "V1" layout: one row per index entry. */
    GCP(true),
    /** One row per hash value, one column per range value. */
    COLUMN_KEY(false),
    /**
     * {@link #COLUMN_KEY} with the row key prefixed by a hash of the hash value, to spread rows
     * over tablets.
     */
    HASHED(false);

    /** The column family of every index and chunk cell. */
    public static final String FAMILY = "f";

    /** The qualifier of chunk cells and of {@link #GCP} index cells. */
    public static final ByteString CHUNK_QUALIFIER = ByteString.copyFromUtf8("c");

    /** The timestamp (microseconds) every cell is written at. */
    public static final long TIMESTAMP = 0L;

    /** Separator between hash and range value in a {@link #GCP} row key. */
    static final byte SEPARATOR = 0x00;

    private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;
    private static final HexFormat HEX = HexFormat.of();

    private final boolean rangeInRowKey;

    IndexLayout(boolean rangeInRowKey) {
        this.rangeInRowKey = rangeInRowKey;
    }

    /** The store names this backend opens. */
    public static final Set<String> STORE_NAMES =
            Set.of("gcp", "gcp-columnkey", "bigtable", "bigtable-hashed");

    /**
     * The layout of a store name.
     *
     * @throws ConfigException for a store name that is not a Bigtable one
     */
    public static IndexLayout forStore(String storeName) {
        return switch (storeName) {
            case "gcp" -> GCP;
            case "gcp-columnkey", "bigtable" -> COLUMN_KEY;
            case "bigtable-hashed" -> HASHED;
            default ->
                    throw new ConfigException(
                            "store '"
                                    + storeName
                                    + "' is not a Bigtable store; Bigtable stores"
                                    + " are "
                                    + String.join(", ", STORE_NAMES.stream().sorted().toList()));
        };
    }

    /**
     * Whether the range value is part of the row key (one row per entry) rather than the column
     * qualifier.
     */
    public boolean rangeInRowKey() {
        return rangeInRowKey;
    }

    /**
     * The row key of a hash value's cells in a column-key layout, or the common prefix of its rows
     * in {@link #GCP} ({@code hash ‖ 0x00}).
     */
    public ByteString rowKeyPrefix(String hashValue) {
        byte[] hash = hashValue.getBytes(StandardCharsets.UTF_8);
        return switch (this) {
            case GCP -> wrap(Bytes.concat(hash, new byte[] {SEPARATOR}));
            case COLUMN_KEY -> wrap(hash);
            case HASHED ->
                    wrap(
                            Bytes.concat(
                                    hashPrefix(hash).getBytes(StandardCharsets.US_ASCII),
                                    new byte[] {'-'},
                                    hash));
        };
    }

    /** The row key of one index cell. */
    public ByteString rowKey(String hashValue, byte[] rangeValue) {
        ByteString prefix = rowKeyPrefix(hashValue);
        return rangeInRowKey ? prefix.concat(wrap(rangeValue)) : prefix;
    }

    /** The column qualifier of one index cell. */
    public ByteString qualifier(byte[] rangeValue) {
        return rangeInRowKey ? CHUNK_QUALIFIER : wrap(rangeValue);
    }

    /**
     * Cortex's {@code HashPrefix}: FNV-1a 64-bit of the bytes, as 8 bytes little-endian, in
     * lowercase hex (16 characters).
     */
    public static String hashPrefix(byte[] bytes) {
        long h = FNV64_OFFSET;
        for (byte b : bytes) {
            h ^= b & 0xFF;
            h *= FNV64_PRIME;
        }
        byte[] le = new byte[8];
        for (int i = 0; i < 8; i++) {
            le[i] = (byte) (h >>> (8 * i));
        }
        return HEX.formatHex(le);
    }

    /** {@link #hashPrefix(byte[])} of a hash value's UTF-8 bytes. */
    public static String hashPrefix(String hashValue) {
        return hashPrefix(hashValue.getBytes(StandardCharsets.UTF_8));
    }

    static ByteString wrap(byte[] b) {
        return UnsafeByteOperations.unsafeWrap(b);
    }

    /** Whether a hash value can be stored in this layout without ambiguity. */
    boolean accepts(String hashValue) {
        return this != GCP || hashValue.indexOf('\0') < 0;
    }
}
