package io.chunkstore.conformance;

import static io.chunkstore.conformance.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test cases Cortex runs against every storage fixture (Cortex's
 * pkg/chunk/storage/index_client_test.go: {@code TestIndexBasic}, {@code TestQueryPages}, {@code
 * TestChunksBasic}), with the same data and expectations.
 */
public interface CortexCasesContract extends BackendContract {

    /**
     * TestIndexBasic: one batch of 30 puts on 30 hashes; each hash's query returns exactly its one
     * range value.
     */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void indexBasicThirtyHashes(TestScope s) {
        String table = s.newTable();
        WriteBatch batch = s.index().newWriteBatch();
        for (int i = 0; i < 30; i++) {
            batch.add(table, "hash" + i, utf8("range" + i), null);
        }
        s.index().batchWrite(batch);
        for (int i = 0; i < 30; i++) {
            List<Entry> got = PageRecorder.entries(s.index(), IndexQuery.row(table, "hash" + i));
            assertThat(got).as("hash%d", i).containsExactly(new Entry(utf8("range" + i), null));
        }
    }

    /** The eight entries of TestQueryPages. */
    private static String writeQueryPagesData(TestScope s) {
        String table = s.newTable();
        WriteBatch b = s.index().newWriteBatch();
        b.add(table, "foo", utf8("bar:1"), utf8("10"));
        b.add(table, "foo", utf8("bar:2"), utf8("20"));
        b.add(table, "foo", utf8("bar:3"), utf8("30"));
        b.add(table, "foo", utf8("baz:1"), utf8("10"));
        b.add(table, "foo", utf8("baz:2"), utf8("20"));
        b.add(table, "flip", utf8("bar:1"), utf8("abc"));
        b.add(table, "flip", utf8("bar:2"), utf8("abc"));
        b.add(table, "flip", utf8("bar:3"), utf8("abc"));
        s.index().batchWrite(b);
        return table;
    }

    private static Entry e(String range, String value) {
        return new Entry(utf8(range), utf8(value));
    }

    /** TestQueryPages, "check HashValue only". */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void queryPagesByHashValueOnly(TestScope s) {
        String table = writeQueryPagesData(s);
        assertThat(PageRecorder.entries(s.index(), IndexQuery.row(table, "flip")))
                .containsExactly(e("bar:1", "abc"), e("bar:2", "abc"), e("bar:3", "abc"));
    }

    /** TestQueryPages, "check RangeValueStart". */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void queryPagesByRangeValueStart(TestScope s) {
        String table = writeQueryPagesData(s);
        IndexQuery q = IndexQuery.builder(table, "foo").rangeValueStart(utf8("bar:2")).build();
        assertThat(PageRecorder.entries(s.index(), q))
                .containsExactly(
                        e("bar:2", "20"), e("bar:3", "30"), e("baz:1", "10"), e("baz:2", "20"));
    }

    /** TestQueryPages, "check RangeValuePrefix". */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void queryPagesByRangeValuePrefix(TestScope s) {
        String table = writeQueryPagesData(s);
        IndexQuery q = IndexQuery.builder(table, "foo").rangeValuePrefix(utf8("baz:")).build();
        assertThat(PageRecorder.entries(s.index(), q))
                .containsExactly(e("baz:1", "10"), e("baz:2", "20"));
    }

    /** TestQueryPages, "check ValueEqual": prefix {@code bar} and value {@code 20}. */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void queryPagesByPrefixAndValueEqual(TestScope s) {
        String table = writeQueryPagesData(s);
        IndexQuery q =
                IndexQuery.builder(table, "foo")
                        .rangeValuePrefix(utf8("bar"))
                        .valueEqual(utf8("20"))
                        .build();
        assertThat(PageRecorder.entries(s.index(), q)).containsExactly(e("bar:2", "20"));
    }

    /** TestQueryPages, "check retry logic": the same query twice gives the same answer. */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void queryPagesRepeatedQueryGivesTheSameAnswer(TestScope s) {
        String table = writeQueryPagesData(s);
        IndexClient index = s.index();
        for (int round = 0; round < 2; round++) {
            IndexQuery q =
                    IndexQuery.builder(table, "foo")
                            .rangeValuePrefix(utf8("bar"))
                            .valueEqual(utf8("20"))
                            .build();
            assertThat(PageRecorder.entries(index, q))
                    .as("round %d", round)
                    .containsExactly(e("bar:2", "20"));
        }
    }

    /**
     * TestChunksBasic: five puts of five real chunks ({@link TestData#cortexChunks}, the last
     * hour), then 50 rounds of reading five distinct random chunks; each round returns exactly
     * those chunks, byte for byte (in any order), and each decodes through core's codec against the
     * key it was read under, with its samples intact.
     */
    @Test
    @RequiresFeature(Feature.CHUNKS)
    default void chunksPutInFiveBatchesReadBackInRandomSets(TestScope s) {
        String table = s.newTable();
        long now = System.currentTimeMillis();
        List<EncodedChunk> written = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            List<EncodedChunk> chunks =
                    TestData.asStored(
                            TestData.cortexChunks(s.userId(), batch, 5, now - 3_600_000L, now),
                            table);
            s.chunks().putChunks(chunks);
            written.addAll(chunks);
        }
        for (int round = 0; round < 50; round++) {
            List<EncodedChunk> pick = new ArrayList<>(written);
            Collections.shuffle(pick, s.random());
            pick = pick.subList(0, 5);
            List<EncodedChunk> got =
                    new ArrayList<>(
                            s.chunks()
                                    .getChunks(pick.stream().map(EncodedChunk::location).toList()));
            got.sort(Comparator.comparing(EncodedChunk::key));
            List<EncodedChunk> want = new ArrayList<>(pick);
            want.sort(Comparator.comparing(EncodedChunk::key));
            assertThat(got).as("round %d", round).containsExactlyElementsOf(want);
            for (EncodedChunk c : got) {
                Chunk decoded = ChunkCodec.decode(s.userId(), c.key(), c.encoded());
                assertThat(decoded.labels().get(Labels.METRIC_NAME)).isEqualTo("foo");
                assertThat(decoded.samples())
                        .hasSize(241)
                        .allSatisfy(x -> assertThat(x.value()).isZero());
            }
        }
    }
}
