package io.chunkstore.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The chunk client (Cortex's chunk.Client, pkg/chunk/storage_client.go): chunks come back byte for
 * byte under their external keys (current, legacy and Loki v12 shapes), a missing chunk is a typed
 * {@link ChunkNotFoundException} inside a {@link ChunkFetchException} that carries the chunks that
 * were found, deletes, large and many chunks, and stored bytes returned as stored, so an altered
 * chunk is rejected by core's decoder with reason {@code CHECKSUM}; a put that stores only part of
 * its chunks says which with a {@link ChunkWriteException}.
 */
@RequiresFeature(Feature.CHUNKS)
public interface ChunkContract extends BackendContract {

    /** 5 MiB, a large Loki chunk. */
    int LARGE_CHUNK = 5 * 1024 * 1024;

    private static Map<String, EncodedChunk> byKey(List<EncodedChunk> chunks) {
        Map<String, EncodedChunk> m = new HashMap<>();
        for (EncodedChunk c : chunks) {
            assertThat(m.put(c.key(), c)).as("chunk %s returned twice", c.key()).isNull();
        }
        return m;
    }

    private static List<ChunkLocation> locations(List<EncodedChunk> chunks) {
        return chunks.stream().map(EncodedChunk::location).toList();
    }

    /**
     * Chunks round-trip exactly, whatever the shape of their key (current, legacy, Loki v12, odd
     * tenants).
     */
    @Test
    default void chunksRoundTripUnderEveryKeyShape(TestScope s) {
        String table = s.newTable();
        String u = s.userId();
        List<String> keys =
                List.of(
                        TestData.externalKey(
                                u, 0xfd3477666dacf92aL, 0x16aab37c8e8L, 0x16aab6eb768L, 0xd97c78e1),
                        u + "/2:1484661279394:1484664879394",
                        TestData.externalKeyV12(
                                u, 0xfd3477666dacf92aL, 0x16aab37c8e8L, 0x16aab6eb768L, 0x38eb373c),
                        TestData.externalKey(u + "-ünï", 1, 2, 3, 4),
                        TestData.externalKey(u + ".x_y", -1L, 0, 1, -1));
        List<EncodedChunk> chunks = new ArrayList<>();
        for (String k : keys) {
            chunks.add(
                    new EncodedChunk(
                            k,
                            table,
                            TestData.chunkPayload(s.random(), 100 + s.random().nextInt(900))));
        }
        s.chunks().putChunks(chunks);
        assertThat(byKey(s.chunks().getChunks(locations(chunks)))).isEqualTo(byKey(chunks));
        assertThat(s.chunks().getChunks(List.of())).isEmpty();
    }

    /**
     * A put whose chunks go to a table that exists and to one that does not: a store that keeps
     * chunks per table can write part of it. Then it either throws a {@link ChunkWriteException}
     * naming exactly the chunks it stored (each readable byte for byte) and the chunk it did not
     * (with its typed error), or it refuses the whole call with a typed error and stores none of
     * it; never a silent partial write. A store whose chunks need no table (object stores) stores
     * the whole call, and the test is skipped: there is no partial write to provoke there (the
     * backends' unit tests inject one).
     */
    @Test
    default void aPartialChunkWriteNamesWhatWasAndWasNotWritten(TestScope s) {
        String table = s.newTable();
        String missing = s.uniqueTableName();
        s.dropAfterTest(missing);
        List<EncodedChunk> stored = TestData.chunks(s.random(), s.userId(), table, 3, 100, 500);
        EncodedChunk refused = TestData.chunks(s.random(), s.userId(), missing, 1, 100, 500).get(0);
        List<EncodedChunk> all = new ArrayList<>(stored);
        all.add(1, refused);
        Throwable thrown = catchThrowable(() -> s.chunks().putChunks(all));
        if (thrown == null) {
            assertThat(byKey(s.chunks().getChunks(locations(all)))).isEqualTo(byKey(all));
            throw new TestAbortedException(
                    "store '"
                            + s.storeName()
                            + "' wrote a chunk to table "
                            + missing
                            + ", which was never created: it keeps chunks without tables, so no partial write can be"
                            + " provoked here");
        }
        if (thrown instanceof ChunkWriteException w) {
            assertThat(w.written())
                    .containsExactlyInAnyOrderElementsOf(
                            stored.stream().map(EncodedChunk::key).toList());
            assertThat(w.notWritten()).containsOnlyKeys(refused.key());
            assertThat(w.notWritten().get(refused.key())).isInstanceOf(StorageException.class);
            assertThat(byKey(s.chunks().getChunks(locations(stored)))).isEqualTo(byKey(stored));
        } else {
            assertThat(thrown)
                    .as("a put that failed as a whole throws a typed error")
                    .isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> s.chunks().getChunks(locations(stored)))
                    .as("a put that threw %s must have stored none of its chunks", thrown)
                    .isInstanceOfSatisfying(
                            ChunkFetchException.class, e -> assertThat(e.fetched()).isEmpty());
        }
    }

    /**
     * Fetching present and missing chunks together throws a {@link ChunkFetchException} whose
     * fetched chunks are the present ones and whose failures are a {@link ChunkNotFoundException}
     * for each missing key.
     */
    @Test
    default void missingChunksGiveTypedNotFoundWithThePartialResult(TestScope s) {
        String table = s.newTable();
        List<EncodedChunk> present = TestData.chunks(s.random(), s.userId(), table, 3, 100, 500);
        List<EncodedChunk> absent = TestData.chunks(s.random(), s.userId(), table, 2, 100, 500);
        s.chunks().putChunks(present);
        List<ChunkLocation> ask = new ArrayList<>(locations(present));
        ask.add(1, absent.get(0).location());
        ask.add(absent.get(1).location());
        assertThatThrownBy(() -> s.chunks().getChunks(ask))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(byKey(e.fetched())).isEqualTo(byKey(present));
                            assertThat(e.failures())
                                    .containsOnlyKeys(absent.get(0).key(), absent.get(1).key());
                            assertThat(e.failures().values())
                                    .allSatisfy(
                                            f ->
                                                    assertThat(f)
                                                            .isInstanceOf(
                                                                    ChunkNotFoundException.class));
                            assertThat(
                                            ((ChunkNotFoundException)
                                                            e.failures().get(absent.get(0).key()))
                                                    .key())
                                    .isEqualTo(absent.get(0).key());
                            assertThat(e.onlyNotFound()).isTrue();
                            assertThat(e.isRetryable()).isFalse();
                        });
        assertThatThrownBy(() -> s.chunks().getChunks(locations(absent)))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(e.fetched()).isEmpty();
                            assertThat(e.failures()).hasSize(2);
                        });
    }

    /** Writing a chunk twice is harmless: it is read back once. */
    @Test
    default void rewritingAChunkIsHarmless(TestScope s) {
        String table = s.newTable();
        List<EncodedChunk> chunks = TestData.chunks(s.random(), s.userId(), table, 4, 100, 500);
        s.chunks().putChunks(chunks);
        s.chunks().putChunks(chunks.subList(0, 2));
        assertThat(byKey(s.chunks().getChunks(locations(chunks)))).isEqualTo(byKey(chunks));
    }

    /** A deleted chunk is not found; the others stay; deleting a missing chunk is a no-op. */
    @Test
    @RequiresFeature(Feature.CHUNK_DELETE)
    default void deletedChunksAreNotFound(TestScope s) {
        String table = s.newTable();
        List<EncodedChunk> chunks = TestData.chunks(s.random(), s.userId(), table, 3, 100, 500);
        s.chunks().putChunks(chunks);
        s.chunks().deleteChunk(chunks.get(1).location());
        assertThatThrownBy(() -> s.chunks().getChunks(locations(chunks)))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(e.failures()).containsOnlyKeys(chunks.get(1).key());
                            assertThat(e.failures().get(chunks.get(1).key()))
                                    .isInstanceOf(ChunkNotFoundException.class);
                            assertThat(byKey(e.fetched()))
                                    .isEqualTo(byKey(List.of(chunks.get(0), chunks.get(2))));
                        });
        s.chunks().deleteChunk(chunks.get(1).location());
        s.chunks()
                .deleteChunk(
                        TestData.chunks(s.random(), s.userId(), table, 1, 10, 10)
                                .get(0)
                                .location());
        s.chunks().putChunks(List.of(chunks.get(1)));
        assertThat(byKey(s.chunks().getChunks(locations(chunks)))).isEqualTo(byKey(chunks));
    }

    /**
     * A 5 MiB chunk round-trips (skipped, with the limit named, where the store cannot hold one).
     */
    @Test
    default void fiveMebibyteChunkRoundTrips(TestScope s) {
        assumeThat(s.capabilities().maxChunkSize())
                .as(
                        "backend '%s' declares maxChunkSize %d bytes, below the %d-byte chunk of this test",
                        s.storeName(), s.capabilities().maxChunkSize(), LARGE_CHUNK)
                .isGreaterThanOrEqualTo(LARGE_CHUNK);
        String table = s.newTable();
        List<EncodedChunk> chunk =
                TestData.chunks(s.random(), s.userId(), table, 1, LARGE_CHUNK, LARGE_CHUNK);
        s.chunks().putChunks(chunk);
        assertThat(s.chunks().getChunks(locations(chunk))).containsExactlyElementsOf(chunk);
    }

    /** 10,000 small chunks, written in ten calls, come back complete from one call. */
    @Test
    default void tenThousandSmallChunksRoundTrip(TestScope s) {
        String table = s.newTable();
        List<EncodedChunk> chunks = TestData.chunks(s.random(), s.userId(), table, 10_000, 16, 256);
        for (int i = 0; i < chunks.size(); i += 1000) {
            s.chunks().putChunks(chunks.subList(i, i + 1000));
        }
        assertThat(byKey(s.chunks().getChunks(locations(chunks)))).isEqualTo(byKey(chunks));
    }

    /**
     * When the bytes stored under a key change (bit rot, a bad copy), the store returns what it
     * holds now, not a cached or "repaired" copy: detection is the decoder's job, above the store.
     */
    @Test
    default void alteredStoredBytesAreReturnedAsStored(TestScope s) {
        String table = s.newTable();
        EncodedChunk good = TestData.chunks(s.random(), s.userId(), table, 1, 500, 500).get(0);
        s.chunks().putChunks(List.of(good));
        assertThat(s.chunks().getChunks(List.of(good.location()))).containsExactly(good);
        byte[] altered = good.encoded().clone();
        altered[altered.length / 2] ^= 0x01;
        EncodedChunk bad = new EncodedChunk(good.key(), good.tableName(), altered);
        s.chunks().putChunks(List.of(bad));
        assertThat(s.chunks().getChunks(List.of(good.location()))).containsExactly(bad);
    }

    /**
     * A real chunk whose stored bytes were altered after it was written is rejected when read
     * through core's chunk decoder: {@link InvalidChunkException} with reason {@code CHECKSUM},
     * naming the key. Its untouched neighbour fetched in the same call decodes.
     */
    @Test
    default void alteredChunkIsRejectedWithChecksumReason(TestScope s) {
        String table = s.newTable();
        long now = System.currentTimeMillis();
        List<EncodedChunk> chunks =
                TestData.asStored(
                        TestData.cortexChunks(s.userId(), 0, 2, now - 600_000L, now), table);
        s.chunks().putChunks(chunks);
        EncodedChunk good = chunks.get(0);
        byte[] altered = good.encoded().clone();
        altered[altered.length - 3] ^= 0x40;
        s.chunks().putChunks(List.of(new EncodedChunk(good.key(), good.tableName(), altered)));
        Map<String, EncodedChunk> got = byKey(s.chunks().getChunks(locations(chunks)));
        assertThatThrownBy(
                        () ->
                                ChunkCodec.decode(
                                        s.userId(), good.key(), got.get(good.key()).encoded()))
                .isInstanceOfSatisfying(
                        InvalidChunkException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(InvalidChunkException.Reason.CHECKSUM);
                            assertThat(e.key()).isEqualTo(good.key());
                        });
        EncodedChunk other = got.get(chunks.get(1).key());
        assertThat(ChunkCodec.decode(s.userId(), other.key(), other.encoded()).checksum())
                .isEqualTo(ChunkCodec.checksum(chunks.get(1).encoded()));
    }
}
