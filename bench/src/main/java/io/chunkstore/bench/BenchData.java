package io.chunkstore.bench;

import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The data every workload uses, generated deterministically from a seed so both sides of a
 * comparison (and every run) see the same bytes.
 *
 * <ul>
 *   <li>Read entries look like a series store's chunk entries: a 52-byte range value ({@code %08x}
 *       position, 0x00, a 40-character chunk-id-like hex string, 0x00, '3', 0x00) and a 16-byte
 *       value. The wide row, the small rows and the row shards of the fan-out all live in {@link
 *       #INDEX_TABLE}.
 *   <li>Written entries have the same range values and {@link Scale#writeValueBytes()} (1 KB)
 *       random values, each batch spread over {@link Scale#writeHashes()} hash values like an
 *       ingester flush.
 *   <li>Chunks are random (incompressible) bytes of 2 KiB or 1 MiB under Cortex-shaped external
 *       keys ({@code bench/<fingerprint>:<from>:<through>:<checksum>}).
 * </ul>
 */
public final class BenchData {
    public static final String INDEX_TABLE = "bench_index";
    public static final String WRITE_TABLE = "bench_write";
    public static final String CHUNK_TABLE = "bench_chunks";
    public static final String CHUNK_PUT_TABLE = "bench_chunk_put";

    /** Every table the bench creates. */
    public static final List<String> TABLES =
            List.of(INDEX_TABLE, WRITE_TABLE, CHUNK_TABLE, CHUNK_PUT_TABLE);

    public static final String BIG_ROW = "bench:d19000:widerow";
    public static final int SMALL_CHUNK_BYTES = 2 * 1024;
    public static final int LARGE_CHUNK_BYTES = 1024 * 1024;
    public static final int RANGE_VALUE_BYTES = 52;
    public static final int READ_VALUE_BYTES = 16;

    /** Entries per batch when loading the read data. */
    public static final int LOAD_BATCH = 5_000;

    private static final int VALUE_POOL = 256;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Scale scale;
    private final long seed;
    private final byte[][] writeValues;

    public BenchData(Scale scale, long seed) {
        this.scale = scale;
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        this.writeValues = new byte[VALUE_POOL][];
        for (int i = 0; i < VALUE_POOL; i++) {
            writeValues[i] = new byte[scale.writeValueBytes()];
            r.nextBytes(writeValues[i]);
        }
    }

    public Scale scale() {
        return scale;
    }

    // ---- index entries

    /** The range value of entry {@code position}: unique per position, ascending with it. */
    public static byte[] rangeValue(long position, long salt) {
        byte[] out = new byte[RANGE_VALUE_BYTES];
        hex(out, 0, position, 8);
        out[8] = 0;
        SplittableRandom r = new SplittableRandom(salt * 0x9E3779B97F4A7C15L + position);
        for (int i = 9; i < 49; i++) {
            out[i] = HEX[r.nextInt(16)];
        }
        out[49] = 0;
        out[50] = '3';
        out[51] = 0;
        return out;
    }

    private static byte[] readValue(long position) {
        byte[] out = new byte[READ_VALUE_BYTES];
        hex(out, 0, position * 0x2545F4914F6CDD1DL, 16);
        return out;
    }

    private static void hex(byte[] out, int off, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[off + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }

    /** Batch {@code batchNo} of a timed write run; {@code prefix} keeps runs apart. */
    public List<IndexEntry> writeBatch(String prefix, int batchNo) {
        List<IndexEntry> out = new ArrayList<>(scale.writeBatchEntries());
        for (int j = 0; j < scale.writeBatchEntries(); j++) {
            String hash = prefix + ":d19000:" + batchNo + ":" + (j % scale.writeHashes());
            out.add(
                    new IndexEntry(
                            WRITE_TABLE,
                            hash,
                            rangeValue(j, seed + batchNo),
                            writeValues[Math.floorMod(batchNo * 31 + j, VALUE_POOL)]));
        }
        return out;
    }

    /** Every batch of a timed write run. */
    public List<List<IndexEntry>> writeBatches(String prefix) {
        List<List<IndexEntry>> out = new ArrayList<>(scale.writeBatches());
        for (int b = 0; b < scale.writeBatches(); b++) {
            out.add(writeBatch(prefix, b));
        }
        return out;
    }

    /** The hash value of small row {@code i}. */
    public static String smallRow(int i) {
        return String.format("bench:d19000:small:%05d", i);
    }

    /** The hash value of row shard {@code shard} (Cortex's {@code %02d:} shard prefix). */
    public static String fanoutRow(int shard) {
        return String.format("%02d:bench:d19000:fanout", shard);
    }

    /**
     * Hands the read data (wide row, small rows, row shards) to {@code sink} in batches of at most
     * {@code batchSize} entries, generated on the fly so the wide row is never held whole.
     */
    public void forEachLoadBatch(int batchSize, Consumer<List<IndexEntry>> sink) {
        List<IndexEntry> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < scale.bigRowEntries(); i++) {
            batch = add(batch, readEntry(BIG_ROW, i), batchSize, sink);
        }
        for (int row = 0; row < scale.smallRows(); row++) {
            String hash = smallRow(row);
            for (int i = 0; i < scale.smallRowEntries(); i++) {
                batch = add(batch, readEntry(hash, i), batchSize, sink);
            }
        }
        for (int shard = 0; shard < scale.fanoutShards(); shard++) {
            String hash = fanoutRow(shard);
            for (int i = 0; i < scale.fanoutShardEntries(); i++) {
                batch = add(batch, readEntry(hash, i), batchSize, sink);
            }
        }
        if (!batch.isEmpty()) {
            sink.accept(batch);
        }
    }

    /** Entries the load writes in all. */
    public long loadEntries() {
        return scale.bigRowEntries() + scale.smallRowsEntries() + scale.fanoutEntries();
    }

    private IndexEntry readEntry(String hash, long position) {
        return new IndexEntry(
                INDEX_TABLE,
                hash,
                rangeValue(position, seed ^ hash.hashCode()),
                readValue(position));
    }

    private static List<IndexEntry> add(
            List<IndexEntry> batch, IndexEntry e, int batchSize, Consumer<List<IndexEntry>> sink) {
        batch.add(e);
        if (batch.size() >= batchSize) {
            sink.accept(batch);
            return new ArrayList<>(batchSize);
        }
        return batch;
    }

    /** The wide-row read. */
    public List<IndexQuery> bigRowQueries() {
        return List.of(IndexQuery.row(INDEX_TABLE, BIG_ROW));
    }

    /** One query per small row. */
    public List<IndexQuery> smallRowQueries() {
        List<IndexQuery> out = new ArrayList<>(scale.smallRows());
        for (int i = 0; i < scale.smallRows(); i++) {
            out.add(IndexQuery.row(INDEX_TABLE, smallRow(i)));
        }
        return out;
    }

    /** One query per row shard. */
    public List<IndexQuery> fanoutQueries() {
        List<IndexQuery> out = new ArrayList<>(scale.fanoutShards());
        for (int i = 0; i < scale.fanoutShards(); i++) {
            out.add(IndexQuery.row(INDEX_TABLE, fanoutRow(i)));
        }
        return out;
    }

    /** Bytes (range value plus value) one read entry carries. */
    public static long readEntryBytes() {
        return RANGE_VALUE_BYTES + READ_VALUE_BYTES;
    }

    // ---- chunks

    /**
     * Chunk {@code i} of a set named {@code tag}: {@code size} random bytes under a Cortex-shaped
     * external key whose checksum field is the CRC-32 of the bytes (only the shape matters to a
     * backend).
     */
    public EncodedChunk chunk(String table, String tag, int i, int size) {
        SplittableRandom r =
                new SplittableRandom(seed ^ (tag.hashCode() * 0x9E3779B97F4A7C15L) ^ i);
        byte[] bytes = new byte[size];
        r.nextBytes(bytes);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        long from = 1_640_995_200_000L + i * 60_000L;
        String key =
                String.format(
                        "bench/%016x:%x:%x:%08x",
                        r.nextLong(), from, from + 3_600_000L, crc.getValue());
        return new EncodedChunk(key, table, bytes);
    }

    public List<EncodedChunk> chunks(String table, String tag, int count, int size) {
        List<EncodedChunk> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(chunk(table, tag, i, size));
        }
        return out;
    }

    /** Chunk count of the 2 KiB or the 1 MiB workloads. */
    public int chunkCount(int size) {
        return size == SMALL_CHUNK_BYTES ? scale.smallChunks() : scale.largeChunks();
    }

    /** The chunks the get workloads read ({@link #CHUNK_TABLE}). */
    public List<EncodedChunk> getSet(int size) {
        return chunks(CHUNK_TABLE, "get-" + size, chunkCount(size), size);
    }

    /** Chunks per put or get call: ingester-flush-sized for 2 KiB, a handful for 1 MiB. */
    public static int chunksPerCall(int size, boolean put) {
        if (size == SMALL_CHUNK_BYTES) {
            return put ? 100 : 500;
        }
        return put ? 8 : 16;
    }

    public static List<ChunkLocation> locations(List<EncodedChunk> chunks) {
        return chunks.stream().map(EncodedChunk::location).toList();
    }

    public static <T> List<List<T>> partition(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }
}
