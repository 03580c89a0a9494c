package io.chunkstore.loki.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.LokiFingerprint;
import io.chunkstore.loki.chunkenc.BlockMeta;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.chunkenc.LokiChunkException;
import io.chunkstore.loki.chunkenc.MemChunk;
import io.chunkstore.loki.chunkenc.MemChunkWriter;
import io.chunkstore.loki.chunkenc.ReadOptions;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.InvalidChunkException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Corrupt chunks and blocks in a query: by default a typed error naming the chunk and the block;
 * with "skip corrupt" the rest of the query goes on and the result lists what was left out.
 */
class CorruptChunkQueryTest {
    private static final long T = 1_700_000_000_000_000_000L;
    private static final Labels STREAM = Labels.of("job", "c");

    private final TestLogStore store = new TestLogStore(TestStores.single(SchemaVersion.V12));

    private static List<LogEntry> entries(long base, String prefix) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            out.add(LogEntry.of(base + i * 1_000_000L, prefix + "-" + i + "-" + "x".repeat(30)));
        }
        return out;
    }

    /**
     * A chunk whose MemChunk is {@code memChunk} (which may be corrupt), stored with its index
     * entries.
     */
    private String putRaw(List<LogEntry> entries, byte[] memChunk) {
        Chunk c =
                Chunk.of(
                        "u",
                        LokiFingerprint.of(STREAM),
                        STREAM.with(Labels.METRIC_NAME, "logs"),
                        LokiChunk.fromMillis(entries.get(0).timestamp()),
                        LokiChunk.throughMillis(entries.get(entries.size() - 1).timestamp()),
                        ChunkEncoding.LOG,
                        memChunk);
        return store.put(ChunkCodec.encode(c));
    }

    private static BlockMeta block(byte[] mc, int i) {
        return MemChunk.decode(mc, ReadOptions.DEFAULT).blocks().get(i);
    }

    /** Flips a byte inside block {@code i}: its CRC no longer matches. */
    private static byte[] breakCrc(byte[] mc, int i) {
        byte[] out = mc.clone();
        out[block(mc, i).offset() + 2] ^= 0x55;
        return out;
    }

    /**
     * Replaces block {@code i}'s compressed bytes with garbage and fixes its CRC: it fails only
     * when read.
     */
    private static byte[] garbleKeepingCrc(byte[] mc, int i) {
        BlockMeta b = block(mc, i);
        byte[] out = mc.clone();
        Arrays.fill(out, b.offset() + 10, b.offset() + b.length(), (byte) 0x7f);
        CRC32C crc = new CRC32C();
        crc.update(out, b.offset(), b.length());
        ByteBuffer.wrap(out).putInt(b.offset() + b.length(), (int) crc.getValue());
        return out;
    }

    private static List<LogEntry> withoutBlock(List<LogEntry> all, byte[] mc, int i) {
        BlockMeta b = block(mc, i);
        return all.stream()
                .filter(e -> e.timestamp() < b.mint() || e.timestamp() > b.maxt())
                .toList();
    }

    private LogQueryResult query(boolean skip, Direction d) {
        try (LogQuerier q =
                new LogQuerier(
                        store, QueryOptions.DEFAULT.withSkipCorrupt(skip).withBatchSize(2))) {
            return q.query(
                    LogQueryRequest.of(
                            "u", LogQuery.parse("{job=\"c\"}"), T, T + 60_000_000_000L, d, 1000));
        }
    }

    @Test
    void aBlockWithABadChecksumFailsTheQueryOrIsSkipped() {
        List<LogEntry> good = entries(T, "a");
        store.put(LokiChunk.encode("u", STREAM, ChunkFormat.V3, Codec.NONE, 100, good));
        List<LogEntry> badEntries = entries(T + 20_000_000_000L, "b");
        byte[] mc = MemChunkWriter.encode(ChunkFormat.V3, Codec.NONE, 100, badEntries);
        assertThat(MemChunk.decode(mc, ReadOptions.DEFAULT).blocks())
                .hasSizeGreaterThanOrEqualTo(3);
        String badKey = putRaw(badEntries, breakCrc(mc, 1));

        assertThatThrownBy(() -> query(false, Direction.FORWARD))
                .isInstanceOfSatisfying(
                        LokiChunkException.class,
                        e -> {
                            assertThat(e.chunkName()).isEqualTo(badKey);
                            assertThat(e.blockIndex()).isEqualTo(1);
                            assertThat(e.problem())
                                    .isEqualTo(LokiChunkException.Problem.BLOCK_CHECKSUM);
                            assertThat(e.getMessage()).contains(badKey).contains("block 1");
                        });
        for (Direction d : Direction.values()) {
            LogQueryResult r = query(true, d);
            List<LogEntry> expected = new ArrayList<>(good);
            expected.addAll(withoutBlock(badEntries, mc, 1));
            if (d == Direction.BACKWARD) {
                java.util.Collections.reverse(expected);
            }
            assertThat(r.streams().get(0).entries()).isEqualTo(expected);
            assertThat(r.skipped())
                    .singleElement()
                    .satisfies(
                            s -> {
                                assertThat(s.externalKey()).isEqualTo(badKey);
                                assertThat(s.blockIndex()).isEqualTo(1);
                                assertThat(s.reason()).contains("block 1");
                            });
        }
    }

    @Test
    void aBlockThatDoesNotDecompressFailsWhenReadOrIsSkipped() {
        List<LogEntry> all = entries(T, "g");
        byte[] mc = MemChunkWriter.encode(ChunkFormat.V3, Codec.GZIP, 100, all);
        String key = putRaw(all, garbleKeepingCrc(mc, 1));

        assertThatThrownBy(() -> query(false, Direction.BACKWARD))
                .isInstanceOfSatisfying(
                        LokiChunkException.class,
                        e -> {
                            assertThat(e.chunkName()).isEqualTo(key);
                            assertThat(e.blockIndex()).isEqualTo(1);
                            assertThat(e.problem())
                                    .isEqualTo(LokiChunkException.Problem.MALFORMED_BLOCK);
                        });
        for (Direction d : Direction.values()) {
            LogQueryResult r = query(true, d);
            List<LogEntry> expected = new ArrayList<>(withoutBlock(all, mc, 1));
            if (d == Direction.BACKWARD) {
                java.util.Collections.reverse(expected);
            }
            assertThat(r.streams().get(0).entries()).as("%s", d).isEqualTo(expected);
            assertThat(r.skipped())
                    .extracting(SkippedChunk::externalKey, SkippedChunk::blockIndex)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(key, 1));
        }
    }

    @Test
    void aChunkThatDoesNotVerifyOrIsMissingFailsTheQueryOrIsSkipped() {
        List<LogEntry> good = entries(T, "ok");
        store.put(LokiChunk.encode("u", STREAM, ChunkFormat.V3, Codec.NONE, 100, good));
        List<LogEntry> flipped = entries(T + 20_000_000_000L, "flipped");
        ChunkCodec.Encoded enc =
                LokiChunk.encode("u", STREAM, ChunkFormat.V3, Codec.NONE, 100, flipped);
        String flippedKey = store.put(enc);
        byte[] bad = enc.bytes().clone();
        bad[bad.length - 20] ^= 1;
        store.putBytes(enc.chunk().from(), flippedKey, bad);
        List<LogEntry> lost = entries(T + 40_000_000_000L, "lost");
        ChunkCodec.Encoded missing =
                LokiChunk.encode("u", STREAM, ChunkFormat.V3, Codec.NONE, 100, lost);
        String missingKey = missing.externalKey(io.chunkstore.core.chunk.KeyFormat.V12);
        store.index(
                "u",
                missing.chunk().labels(),
                missing.chunk().from(),
                missing.chunk().through(),
                missingKey);

        assertThatThrownBy(() -> query(false, Direction.FORWARD))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> {
                            // The envelope check names the chunk by its parsed reference (either
                            // key form).
                            assertThat(io.chunkstore.core.chunk.ChunkRef.parse(e.key()))
                                    .isEqualTo(io.chunkstore.core.chunk.ChunkRef.parse(flippedKey));
                            assertThat(e.reason()).isEqualTo(InvalidChunkException.Reason.CHECKSUM);
                        });
        LogQueryResult r = query(true, Direction.FORWARD);
        assertThat(r.streams().get(0).entries()).isEqualTo(good);
        assertThat(r.skipped())
                .extracting(SkippedChunk::externalKey)
                .containsExactlyInAnyOrder(flippedKey, missingKey);
        assertThat(r.skipped()).allSatisfy(s -> assertThat(s.blockIndex()).isEqualTo(-1));
        assertThat(r.skipped())
                .filteredOn(s -> s.externalKey().equals(missingKey))
                .singleElement()
                .satisfies(s -> assertThat(s.reason()).contains(missingKey));
        // Reading only the good chunk's time range does not touch the others.
        try (LogQuerier q = new LogQuerier(store)) {
            assertThat(
                            q.query(
                                            LogQueryRequest.of(
                                                    "u",
                                                    LogQuery.parse("{job=\"c\"}"),
                                                    T,
                                                    T + 10_000_000_000L,
                                                    Direction.BACKWARD,
                                                    100))
                                    .entryCount())
                    .isEqualTo(9);
        }
        assertThat(ChunkNotFoundException.class)
                .isAssignableTo(io.chunkstore.spi.StorageException.class);
    }
}
