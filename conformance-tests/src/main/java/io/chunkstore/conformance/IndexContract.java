package io.chunkstore.conformance;

import static io.chunkstore.conformance.TestData.bytes;
import static io.chunkstore.conformance.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Index semantics beyond Cortex's own cases (the IndexClient, WriteBatch and IndexQuery contracts
 * of Cortex's pkg/chunk/storage_client.go and schema.go): batch order, deletes, overwrites, null
 * versus empty values, unsigned order, binary range values with 0x00 and 0xFF bytes, prefix / start
 * / value-equal edges, row isolation, several tables in one batch, and typed errors for missing
 * tables.
 */
@RequiresFeature(Feature.INDEX)
public interface IndexContract extends BackendContract {

    private static List<Entry> row(TestScope s, String table, String hash) {
        return PageRecorder.entries(s.index(), IndexQuery.row(table, hash));
    }

    private static List<Entry> query(TestScope s, IndexQuery q) {
        return PageRecorder.entries(s.index(), q);
    }

    private static Entry e(byte[] range, byte[] value) {
        return new Entry(range, value);
    }

    private static Entry e(String range, String value) {
        return new Entry(utf8(range), utf8(value));
    }

    private static void write(TestScope s, String table, String hash, List<byte[]> ranges) {
        WriteBatch b = s.index().newWriteBatch();
        for (byte[] r : ranges) {
            b.add(table, hash, r, r);
        }
        s.index().batchWrite(b);
    }

    /** Every put of a batch is applied before any delete, whatever order they were added in. */
    @Test
    default void putsAreAppliedBeforeDeletesInOneBatch(TestScope s) {
        String table = s.newTable();
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("old"), utf8("1")));
        WriteBatch b = s.index().newWriteBatch();
        b.delete(table, "h", utf8("x"));
        b.delete(table, "h", utf8("old"));
        b.add(table, "h", utf8("x"), utf8("2"));
        b.add(table, "h", utf8("y"), utf8("3"));
        s.index().batchWrite(b);
        assertThat(row(s, table, "h")).containsExactly(e("y", "3"));
    }

    /**
     * A delete removes exactly its cell; deleting a cell (or a row, or in a row) that does not
     * exist is a no-op.
     */
    @Test
    default void deleteRemovesOnlyItsCellAndMissingCellsAreNoOps(TestScope s) {
        String table = s.newTable();
        WriteBatch b = s.index().newWriteBatch();
        for (String r : List.of("a", "b", "c")) {
            b.add(table, "h1", utf8(r), utf8(r));
            b.add(table, "h2", utf8(r), utf8(r));
        }
        s.index().batchWrite(b);
        s.index().batchWrite(s.index().newWriteBatch().delete(table, "h1", utf8("b")));
        assertThat(row(s, table, "h1")).containsExactly(e("a", "a"), e("c", "c"));
        assertThat(row(s, table, "h2")).containsExactly(e("a", "a"), e("b", "b"), e("c", "c"));
        s.index()
                .batchWrite(
                        s.index()
                                .newWriteBatch()
                                .delete(table, "h1", utf8("b"))
                                .delete(table, "h1", utf8("zz"))
                                .delete(table, "no-such-row", utf8("a")));
        assertThat(row(s, table, "h1")).containsExactly(e("a", "a"), e("c", "c"));
        s.index()
                .batchWrite(
                        s.index()
                                .newWriteBatch()
                                .delete(table, "h1", utf8("a"))
                                .delete(table, "h1", utf8("c")));
        assertThat(row(s, table, "h1")).isEmpty();
    }

    /**
     * Writing a cell again replaces its value, across batches and within one batch (the last put
     * wins).
     */
    @Test
    default void rewritingACellOverwritesItsValue(TestScope s) {
        String table = s.newTable();
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("r"), utf8("v1")));
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("r"), utf8("v2")));
        assertThat(row(s, table, "h")).containsExactly(e("r", "v2"));
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("r"), utf8("v3")));
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("r"), null));
        assertThat(row(s, table, "h")).containsExactly(e(utf8("r"), new byte[0]));
    }

    /** A null value and an empty value are stored alike and read back as empty (never null). */
    @Test
    default void nullAndEmptyValuesReadBackAsEmpty(TestScope s) {
        String table = s.newTable();
        s.index()
                .batchWrite(
                        s.index()
                                .newWriteBatch()
                                .add(table, "h", utf8("a"), null)
                                .add(table, "h", utf8("b"), new byte[0])
                                .add(table, "h", utf8("c"), utf8("x")));
        List<Entry> got = row(s, table, "h");
        assertThat(got).containsExactly(e(utf8("a"), null), e(utf8("b"), null), e("c", "x"));
        for (Entry entry : got) {
            assertThat(entry.value()).isNotNull();
        }
        // An empty valueEqual means "not set": it does not select the empty values.
        IndexQuery q = IndexQuery.builder(table, "h").valueEqual(new byte[0]).build();
        assertThat(query(s, q)).hasSize(3);
    }

    /**
     * Range values come back in ascending unsigned byte order, whatever order they were written in.
     */
    @Test
    default void rangeValuesComeBackInAscendingUnsignedOrder(TestScope s) {
        String table = s.newTable();
        TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
        set.addAll(TestData.distinctRangeValues(s.random(), 500, 1, 12));
        set.addAll(TestData.edgeRangeValues());
        List<byte[]> sorted = new ArrayList<>(set);
        List<byte[]> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, s.random());
        for (int i = 0; i < shuffled.size(); i += 100) {
            write(s, table, "h", shuffled.subList(i, Math.min(i + 100, shuffled.size())));
        }
        List<Entry> want = sorted.stream().map(r -> e(r, r)).toList();
        assertThat(row(s, table, "h")).containsExactlyElementsOf(want);
    }

    /**
     * Range values made of 0x00 and 0xFF bytes round-trip exactly: leading, inner and trailing
     * 0x00, values that differ only by a trailing 0x00, and all-0xFF values.
     */
    @Test
    default void binaryRangeValuesWithZeroAndFFBytesRoundTrip(TestScope s) {
        String table = s.newTable();
        List<byte[]> edges = TestData.edgeRangeValues();
        write(s, table, "h", edges);
        assertThat(row(s, table, "h"))
                .containsExactlyElementsOf(edges.stream().map(r -> e(r, r)).toList());
        // Values with 0x00 and 0xFF bytes survive too.
        byte[] value = bytes(0x00, 0xFF, 0x00, 0x80, 0x7F, 0x00);
        s.index().batchWrite(s.index().newWriteBatch().add(table, "v", bytes(0x00), value));
        assertThat(row(s, table, "v")).containsExactly(e(bytes(0x00), value));
    }

    /**
     * A prefix selects every value that starts with it, including those whose next byte is 0xFF,
     * which Cortex's {@code prefix ‖ 0xFF} upper bound misses; prefixes ending in 0xFF, and
     * all-0xFF prefixes, work too.
     */
    @Test
    default void prefixKeepsValuesWhoseNextByteIsFF(TestScope s) {
        String table = s.newTable();
        List<byte[]> all = TestData.edgeRangeValues();
        write(s, table, "h", all);
        for (byte[] prefix :
                List.of(
                        bytes(0x61),
                        bytes(0x61, 0xFF),
                        bytes(0xFF),
                        bytes(0xFF, 0xFF),
                        bytes(0x00),
                        bytes(0x7F),
                        bytes(0x61, 0x00))) {
            List<Entry> want =
                    all.stream()
                            .filter(r -> Bytes.startsWith(r, prefix))
                            .map(r -> e(r, r))
                            .toList();
            IndexQuery q = IndexQuery.builder(table, "h").rangeValuePrefix(prefix).build();
            assertThat(query(s, q))
                    .as("prefix %s", TestData.show(prefix))
                    .containsExactlyElementsOf(want);
        }
        IndexQuery cortexBug = IndexQuery.builder(table, "h").rangeValuePrefix(bytes(0x61)).build();
        assertThat(query(s, cortexBug))
                .as("prefix 'a' keeps 'a' 0xFF and 'a' 0xFF 0xFF")
                .contains(
                        e(bytes(0x61, 0xFF), bytes(0x61, 0xFF)),
                        e(bytes(0x61, 0xFF, 0xFF), bytes(0x61, 0xFF, 0xFF)));
    }

    /**
     * A start equal to an entry includes it; a start between entries begins at the next; a start
     * after the last entry gives nothing; a start extended by 0x00 excludes the shorter value.
     */
    @Test
    default void rangeStartIsInclusiveAndUnsigned(TestScope s) {
        String table = s.newTable();
        List<byte[]> all = TestData.edgeRangeValues();
        write(s, table, "h", all);
        for (byte[] start :
                List.of(
                        bytes(0x61),
                        bytes(0x61, 0x00),
                        bytes(0x61, 0x00, 0x01),
                        bytes(0x61, 0xFF),
                        bytes(0x80),
                        bytes(0x7F, 0xFF, 0x00),
                        bytes(0xFF, 0xFF, 0xFF),
                        bytes(0xFF, 0xFF, 0xFF, 0x00))) {
            List<Entry> want =
                    all.stream()
                            .filter(r -> Arrays.compareUnsigned(r, start) >= 0)
                            .map(r -> e(r, r))
                            .toList();
            IndexQuery q = IndexQuery.builder(table, "h").rangeValueStart(start).build();
            assertThat(query(s, q))
                    .as("start %s", TestData.show(start))
                    .containsExactlyElementsOf(want);
        }
    }

    /**
     * Value-equal filters on the value after the start or prefix bound (v6+ label value lookups).
     */
    @Test
    default void valueEqualCombinesWithStartAndWithPrefix(TestScope s) {
        String table = s.newTable();
        WriteBatch b = s.index().newWriteBatch();
        Map<String, String> cells =
                new TreeMap<>(
                        Map.of(
                                "a:1", "x", "a:2", "y", "a:3", "x", "b:1", "x", "b:2", "y", "c:1",
                                "x"));
        cells.forEach((r, v) -> b.add(table, "h", utf8(r), utf8(v)));
        b.add(table, "h", bytes(0x61, 0x3A, 0xFF), utf8("x"));
        s.index().batchWrite(b);
        IndexQuery start =
                IndexQuery.builder(table, "h")
                        .rangeValueStart(utf8("a:2"))
                        .valueEqual(utf8("x"))
                        .build();
        assertThat(query(s, start))
                .containsExactly(
                        e("a:3", "x"),
                        e(bytes(0x61, 0x3A, 0xFF), utf8("x")),
                        e("b:1", "x"),
                        e("c:1", "x"));
        IndexQuery prefix =
                IndexQuery.builder(table, "h")
                        .rangeValuePrefix(utf8("a:"))
                        .valueEqual(utf8("x"))
                        .build();
        assertThat(query(s, prefix))
                .containsExactly(
                        e("a:1", "x"), e("a:3", "x"), e(bytes(0x61, 0x3A, 0xFF), utf8("x")));
        IndexQuery none =
                IndexQuery.builder(table, "h")
                        .rangeValuePrefix(utf8("b:"))
                        .valueEqual(utf8("z"))
                        .build();
        assertThat(query(s, none)).isEmpty();
        IndexQuery only = IndexQuery.builder(table, "h").valueEqual(utf8("y")).build();
        assertThat(query(s, only)).containsExactly(e("a:2", "y"), e("b:2", "y"));
    }

    /**
     * Rows never leak into each other, even when one hash value is a prefix of another or when a
     * range value looks like the continuation of a shorter hash value.
     */
    @Test
    default void rowsAreIsolatedFromHashValuesSharingAPrefix(TestScope s) {
        String table = s.newTable();
        List<String> hashes =
                List.of(
                        "a",
                        "ab",
                        "a:b",
                        "a:",
                        "b",
                        "A",
                        "ä",
                        "userID:d18500:__name__",
                        "userID:d18500:__name__:foo",
                        "ab" + "c".repeat(300));
        WriteBatch b = s.index().newWriteBatch();
        for (String h : hashes) {
            b.add(table, h, utf8("r:" + h), utf8(h));
            b.add(table, h, bytes(0x00), utf8(h));
            b.add(table, h, bytes(0xFF), utf8(h));
        }
        // In a "hash ‖ range" layout without a separator, row "a" with range "b..." would collide
        // with row "ab".
        b.add(table, "a", utf8("b"), utf8("in a"));
        s.index().batchWrite(b);
        for (String h : hashes) {
            List<Entry> want =
                    new ArrayList<>(
                            List.of(
                                    e(bytes(0x00), utf8(h)),
                                    e(utf8("r:" + h), utf8(h)),
                                    e(bytes(0xFF), utf8(h))));
            if (h.equals("a")) {
                want.add(1, e("b", "in a"));
            }
            assertThat(row(s, table, h)).as("row %s", h).containsExactlyElementsOf(want);
        }
        assertThat(row(s, table, "c")).as("a row never written").isEmpty();
        assertThat(query(s, IndexQuery.builder(table, "a").rangeValuePrefix(utf8("b")).build()))
                .containsExactly(e("b", "in a"));
    }

    /** One batch may write to several tables; each table holds only its own cells. */
    @Test
    default void oneBatchWritesSeveralTablesAndTablesAreIsolated(TestScope s) {
        String t1 = s.newTable();
        String t2 = s.newTable();
        s.index()
                .batchWrite(
                        s.index()
                                .newWriteBatch()
                                .add(t1, "h", utf8("r1"), utf8("1"))
                                .add(t2, "h", utf8("r2"), utf8("2"))
                                .add(t2, "h", utf8("r3"), utf8("3")));
        IndexQuery q1 = IndexQuery.row(t1, "h");
        IndexQuery q2 = IndexQuery.row(t2, "h");
        PageRecorder r = PageRecorder.read(s.index(), List.of(q1, q2));
        assertThat(r.entries(q1)).containsExactly(e("r1", "1"));
        assertThat(r.entries(q2)).containsExactly(e("r2", "2"), e("r3", "3"));
    }

    /** Values of a few KiB are kept byte for byte. */
    @Test
    default void largeValuesRoundTrip(TestScope s) {
        String table = s.newTable();
        byte[] big = TestData.chunkPayload(s.random(), 8 * 1024);
        s.index().batchWrite(s.index().newWriteBatch().add(table, "h", utf8("big"), big));
        assertThat(row(s, table, "h")).containsExactly(e(utf8("big"), big));
    }

    /** A row that was never written gives no entries; an empty query list does nothing. */
    @Test
    default void missingRowsGiveNoEntriesAndEmptyCallsDoNothing(TestScope s) {
        String table = s.newTable();
        assertThat(row(s, table, "never")).isEmpty();
        PageRecorder r = new PageRecorder(List.of());
        s.index().queryPages(List.of(), r);
        assertThat(r.queriesSeen()).isEmpty();
        s.index().batchWrite(s.index().newWriteBatch());
    }

    /**
     * A query on a table that does not exist fails with {@link TableNotFoundException} naming it.
     */
    @Test
    @RequiresFeature(Feature.MISSING_TABLE_ERRORS)
    default void queryOnAMissingTableFailsWithTableNotFound(TestScope s) {
        String missing = s.uniqueTableName();
        assertThatThrownBy(
                        () ->
                                s.index()
                                        .queryPages(
                                                List.of(IndexQuery.row(missing, "h")),
                                                (q, p) -> true))
                .isInstanceOfSatisfying(
                        TableNotFoundException.class,
                        e -> assertThat(e.tableName()).isEqualTo(missing));
    }

    /**
     * A write to a table that does not exist fails with {@link TableNotFoundException} naming it
     * (directly, or as the cause of an {@link IndexWriteException} listing what was not written).
     */
    @Test
    @RequiresFeature(Feature.MISSING_TABLE_ERRORS)
    default void writeToAMissingTableFailsWithTableNotFound(TestScope s) {
        String missing = s.uniqueTableName();
        Throwable thrown =
                catchThrowable(
                        () ->
                                s.index()
                                        .batchWrite(
                                                s.index()
                                                        .newWriteBatch()
                                                        .add(missing, "h", utf8("r"), utf8("v"))));
        assertThat(thrown).as("write to missing table %s", missing).isNotNull();
        TableNotFoundException tnf;
        if (thrown instanceof IndexWriteException w) {
            assertThat(w.notWrittenPuts()).hasSize(1);
            assertThat(w).hasCauseInstanceOf(TableNotFoundException.class);
            tnf = (TableNotFoundException) w.getCause();
        } else {
            assertThat(thrown).isInstanceOf(TableNotFoundException.class);
            tnf = (TableNotFoundException) thrown;
        }
        assertThat(tnf.tableName()).isEqualTo(missing);
        assertThatThrownBy(
                        () ->
                                s.index()
                                        .batchWrite(
                                                s.index()
                                                        .newWriteBatch()
                                                        .delete(missing, "h", utf8("r"))))
                .satisfiesAnyOf(
                        e -> assertThat(e).isInstanceOf(TableNotFoundException.class),
                        e ->
                                assertThat(e)
                                        .isInstanceOf(IndexWriteException.class)
                                        .hasCauseInstanceOf(TableNotFoundException.class));
    }

    /**
     * When one query of a call fails, the others still deliver all their entries, then the error is
     * thrown.
     */
    @Test
    @RequiresFeature(Feature.MISSING_TABLE_ERRORS)
    default void oneFailingQueryDoesNotStopTheOthers(TestScope s) {
        String table = s.newTable();
        String missing = s.uniqueTableName();
        WriteBatch b = s.index().newWriteBatch();
        for (int i = 0; i < 10; i++) {
            b.add(table, "h" + i, utf8("r"), utf8(Integer.toString(i)));
        }
        s.index().batchWrite(b);
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queries.add(IndexQuery.row(table, "h" + i));
            if (i == 4) {
                queries.add(IndexQuery.row(missing, "h"));
            }
        }
        PageRecorder r = new PageRecorder(queries);
        assertThatThrownBy(() -> s.index().queryPages(queries, r))
                .isInstanceOf(TableNotFoundException.class);
        r.assertContractKept();
        for (int i = 0; i < 10; i++) {
            IndexQuery q = queries.get(i < 5 ? i : i + 1);
            assertThat(r.entries(q)).as("query %s", q).containsExactly(e("r", Integer.toString(i)));
        }
    }
}
