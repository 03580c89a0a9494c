package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated data is what the docs say, and the same on every run. */
class BenchDataTest {
    private final BenchData data = new BenchData(Scale.TINY, 1);

    @Test
    void rangeValuesLookLikeChunkEntriesAndSortByPosition() {
        byte[] a = BenchData.rangeValue(9, 5);
        byte[] b = BenchData.rangeValue(10, 5);
        assertThat(a).hasSize(BenchData.RANGE_VALUE_BYTES);
        assertThat(new String(a, 0, 8)).isEqualTo("00000009");
        assertThat(a[8]).isZero();
        assertThat(new String(a, 9, 40)).matches("[0-9a-f]{40}");
        assertThat(new byte[] {a[49], a[50], a[51]}).containsExactly(0, '3', 0);
        assertThat(Bytes.compare(a, b)).isNegative();
        assertThat(BenchData.rangeValue(9, 5)).isEqualTo(a);
        assertThat(BenchData.rangeValue(9, 6)).isNotEqualTo(a);
    }

    @Test
    void writeBatchesAreIngesterFlushes() {
        List<List<IndexEntry>> batches = data.writeBatches("w0ours");
        assertThat(batches).hasSize(Scale.TINY.writeBatches());
        for (List<IndexEntry> b : batches) {
            assertThat(b).hasSize(Scale.TINY.writeBatchEntries());
            assertThat(b)
                    .allSatisfy(
                            e -> {
                                assertThat(e.tableName()).isEqualTo(BenchData.WRITE_TABLE);
                                assertThat(e.value()).hasSize(1024);
                                assertThat(e.hashValue()).startsWith("w0ours:");
                            });
            assertThat(b.stream().map(IndexEntry::hashValue).distinct())
                    .hasSize(Scale.TINY.writeHashes());
            assertThat(b.stream().map(IndexEntry::cellKey).distinct()).hasSize(b.size());
        }
        assertThat(new BenchData(Scale.TINY, 1).writeBatches("w0ours").get(1).get(7).value())
                .isEqualTo(batches.get(1).get(7).value());
    }

    @Test
    void loadWritesEveryRowInBoundedBatches() {
        Map<String, Integer> perRow = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        Set<String> cells = new HashSet<>();
        data.forEachLoadBatch(
                300,
                batch -> {
                    sizes.add(batch.size());
                    for (IndexEntry e : batch) {
                        perRow.merge(e.hashValue(), 1, Integer::sum);
                        cells.add(e.cellKey());
                        assertThat(e.tableName()).isEqualTo(BenchData.INDEX_TABLE);
                        assertThat(e.value()).hasSize(BenchData.READ_VALUE_BYTES);
                    }
                });
        assertThat(sizes).allSatisfy(s -> assertThat(s).isBetween(1, 300));
        assertThat(sizes.stream().mapToLong(Integer::longValue).sum())
                .isEqualTo(data.loadEntries());
        assertThat(cells).hasSize((int) data.loadEntries());
        assertThat(perRow.get(BenchData.BIG_ROW)).isEqualTo(Scale.TINY.bigRowEntries());
        assertThat(perRow.get(BenchData.smallRow(0))).isEqualTo(Scale.TINY.smallRowEntries());
        assertThat(perRow.get(BenchData.fanoutRow(15))).isEqualTo(Scale.TINY.fanoutShardEntries());
        assertThat(perRow).hasSize(1 + Scale.TINY.smallRows() + Scale.TINY.fanoutShards());
    }

    @Test
    void queriesNameTheLoadedRows() {
        assertThat(data.bigRowQueries())
                .extracting(IndexQuery::hashValue)
                .containsExactly(BenchData.BIG_ROW);
        assertThat(data.smallRowQueries())
                .hasSize(Scale.TINY.smallRows())
                .extracting(IndexQuery::hashValue)
                .contains(BenchData.smallRow(19));
        assertThat(data.fanoutQueries())
                .extracting(IndexQuery::hashValue)
                .contains("00:bench:d19000:fanout", "15:bench:d19000:fanout");
        assertThat(data.fanoutQueries())
                .allSatisfy(
                        q -> {
                            assertThat(q.hasPrefix() || q.hasStart() || q.hasValueEqual())
                                    .isFalse();
                            assertThat(q.tableName()).isEqualTo(BenchData.INDEX_TABLE);
                        });
    }

    @Test
    void chunksHaveCortexKeysAndTheirSize() {
        List<EncodedChunk> set = data.getSet(BenchData.SMALL_CHUNK_BYTES);
        assertThat(set).hasSize(Scale.TINY.smallChunks());
        assertThat(set)
                .allSatisfy(
                        c -> {
                            assertThat(c.encoded()).hasSize(2048);
                            assertThat(c.tableName()).isEqualTo(BenchData.CHUNK_TABLE);
                            ChunkRef ref = ChunkRef.parse(c.key());
                            assertThat(ref.userId()).isEqualTo("bench");
                            assertThat(ref.through() - ref.from()).isEqualTo(3_600_000L);
                        });
        assertThat(set.stream().map(EncodedChunk::key).distinct()).hasSize(set.size());
        assertThat(data.getSet(BenchData.SMALL_CHUNK_BYTES)).isEqualTo(set);
        assertThat(data.chunk("t", "other", 0, 2048).key()).isNotEqualTo(set.get(0).key());
        assertThat(data.getSet(BenchData.LARGE_CHUNK_BYTES))
                .hasSize(Scale.TINY.largeChunks())
                .allSatisfy(c -> assertThat(c.encoded()).hasSize(1 << 20));
    }

    @Test
    void partitionKeepsOrderAndRemainder() {
        assertThat(BenchData.partition(List.of(1, 2, 3, 4, 5), 2))
                .containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(BenchData.chunksPerCall(BenchData.SMALL_CHUNK_BYTES, true)).isEqualTo(100);
        assertThat(BenchData.chunksPerCall(BenchData.LARGE_CHUNK_BYTES, false)).isEqualTo(16);
    }
}
