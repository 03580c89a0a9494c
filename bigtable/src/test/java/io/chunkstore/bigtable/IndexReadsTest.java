package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.bigtable.v2.ReadRowsRequest;
import com.google.bigtable.v2.RowFilter;
import com.google.bigtable.v2.RowRange;
import com.google.cloud.bigtable.data.v2.internal.RequestContext;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.IndexQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ReadRows requests built for index queries: row ranges, qualifier ranges, value filters, page
 * limits.
 */
class IndexReadsTest {
    private static final RequestContext CTX = RequestContext.create("p", "i", "");

    private static ByteString b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return ByteString.copyFrom(out);
    }

    private static ByteString s(String v) {
        return ByteString.copyFromUtf8(v);
    }

    private static byte[] bytes(ByteString v) {
        return v.toByteArray();
    }

    private static ReadRowsRequest proto(Query q) {
        return q.toProto(CTX);
    }

    private static List<RowFilter> chain(RowFilter f) {
        assertThat(f.hasChain()).as("a chain filter: %s", f).isTrue();
        return f.getChain().getFiltersList();
    }

    private static RowRange onlyRange(ReadRowsRequest r) {
        assertThat(r.getRows().getRowKeysList()).isEmpty();
        assertThat(r.getRows().getRowRangesList()).hasSize(1);
        return r.getRows().getRowRanges(0);
    }

    // ---- gcp

    @Test
    void gcpWholeRowIsThePrefixRangeOfHashZero() {
        RowRange r = onlyRange(proto(IndexReads.gcpQuery(IndexQuery.row("t", "h"))));
        assertThat(r.getStartKeyClosed()).isEqualTo(s("h\0"));
        assertThat(r.getEndKeyOpen()).isEqualTo(s("h\u0001"));
    }

    @Test
    void gcpPrefixIsThePrefixRangeOfHashZeroPrefix() {
        IndexQuery q = IndexQuery.builder("t", "h").rangeValuePrefix(bytes(b(0x61, 0xFF))).build();
        RowRange r = onlyRange(proto(IndexReads.gcpQuery(q)));
        assertThat(r.getStartKeyClosed()).isEqualTo(b('h', 0, 0x61, 0xFF));
        assertThat(r.getEndKeyOpen()).isEqualTo(b('h', 0, 0x62));
        IndexQuery allFF =
                IndexQuery.builder("t", "h").rangeValuePrefix(bytes(b(0xFF, 0xFF))).build();
        RowRange r2 = onlyRange(proto(IndexReads.gcpQuery(allFF)));
        assertThat(r2.getStartKeyClosed()).isEqualTo(b('h', 0, 0xFF, 0xFF));
        assertThat(r2.getEndKeyOpen()).as("the end of hash h's rows").isEqualTo(b('h', 1));
    }

    /**
     * Not Cortex's {@code hash ‖ 0x00 ‖ 0xFF} end, which misses range values 0xFF 0x01 and beyond.
     */
    @Test
    void gcpStartRunsToTheEndOfTheHashRows() {
        IndexQuery q = IndexQuery.builder("t", "h").rangeValueStart(bytes(b(0x61, 0x00))).build();
        RowRange r = onlyRange(proto(IndexReads.gcpQuery(q)));
        assertThat(r.getStartKeyClosed()).isEqualTo(b('h', 0, 0x61, 0x00));
        assertThat(r.getEndKeyOpen()).isEqualTo(b('h', 1));
        assertThat(
                        ByteString.unsignedLexicographicalComparator()
                                .compare(b('h', 0, 0xFF, 0x01), r.getEndKeyOpen()))
                .as("row h 0x00 0xFF 0x01 is inside the range")
                .isNegative();
    }

    @Test
    void gcpReadsTheLatestCellOfColumnFAndCAndPushesValueEqual() {
        List<RowFilter> plain =
                chain(proto(IndexReads.gcpQuery(IndexQuery.row("t", "h"))).getFilter());
        assertThat(plain).hasSize(2);
        assertThat(plain.get(0).getColumnRangeFilter().getFamilyName()).isEqualTo("f");
        assertThat(plain.get(0).getColumnRangeFilter().getStartQualifierClosed()).isEqualTo(s("c"));
        assertThat(plain.get(0).getColumnRangeFilter().getEndQualifierClosed()).isEqualTo(s("c"));
        assertThat(plain.get(1).getCellsPerColumnLimitFilter()).isEqualTo(1);

        IndexQuery q =
                IndexQuery.builder("t", "h")
                        .rangeValueStart(bytes(s("a")))
                        .valueEqual(bytes(b(0x00, 0xFF)))
                        .build();
        List<RowFilter> f = chain(proto(IndexReads.gcpQuery(q)).getFilter());
        assertThat(f).hasSize(3);
        assertThat(f.get(1).getCellsPerColumnLimitFilter())
                .as("latest cell first, then the value")
                .isEqualTo(1);
        assertThat(f.get(2).getValueRangeFilter().getStartValueClosed()).isEqualTo(b(0x00, 0xFF));
        assertThat(f.get(2).getValueRangeFilter().getEndValueClosed()).isEqualTo(b(0x00, 0xFF));
    }

    @Test
    void gcpQueryNamesItsTable() {
        assertThat(proto(IndexReads.gcpQuery(IndexQuery.row("index_2710", "h"))).getTableName())
                .isEqualTo("projects/p/instances/i/tables/index_2710");
    }

    // ---- column-key layouts

    @Test
    void columnKeyWholeRowReadsFamilyFAPageAtATime() {
        IndexQuery q = IndexQuery.row("t", "h");
        ReadRowsRequest r =
                proto(IndexReads.columnKeyQuery(q, List.of(s("h"), s("i")), null, 1000));
        assertThat(r.getRows().getRowKeysList()).containsExactly(s("h"), s("i"));
        assertThat(r.getRows().getRowRangesList()).isEmpty();
        List<RowFilter> f = chain(r.getFilter());
        assertThat(f).hasSize(3);
        assertThat(f.get(0).getFamilyNameRegexFilter()).isEqualTo("f");
        assertThat(f.get(1).getCellsPerColumnLimitFilter()).isEqualTo(1);
        assertThat(f.get(2).getCellsPerRowLimitFilter()).isEqualTo(1000);
    }

    @Test
    void columnKeyPrefixIsAQualifierRangeUpToTheNextPrefix() {
        IndexQuery q = IndexQuery.builder("t", "h").rangeValuePrefix(bytes(b(0x61, 0xFF))).build();
        List<RowFilter> f = chain(IndexReads.columnKeyFilter(q, null, 50).toProto());
        assertThat(f.get(0).getColumnRangeFilter().getFamilyName()).isEqualTo("f");
        assertThat(f.get(0).getColumnRangeFilter().getStartQualifierClosed())
                .isEqualTo(b(0x61, 0xFF));
        assertThat(f.get(0).getColumnRangeFilter().getEndQualifierOpen()).isEqualTo(b(0x62));
        assertThat(f.get(f.size() - 1).getCellsPerRowLimitFilter()).isEqualTo(50);

        IndexQuery allFF = IndexQuery.builder("t", "h").rangeValuePrefix(bytes(b(0xFF))).build();
        RowFilter r = chain(IndexReads.columnKeyFilter(allFF, null, 50).toProto()).get(0);
        assertThat(r.getColumnRangeFilter().getStartQualifierClosed()).isEqualTo(b(0xFF));
        assertThat(r.getColumnRangeFilter().hasEndQualifierOpen())
                .as("no end after an all-0xFF prefix")
                .isFalse();
        assertThat(r.getColumnRangeFilter().hasEndQualifierClosed()).isFalse();
    }

    @Test
    void columnKeyStartIsAnOpenEndedQualifierRange() {
        IndexQuery q = IndexQuery.builder("t", "h").rangeValueStart(bytes(b(0x61, 0x00))).build();
        RowFilter r = chain(IndexReads.columnKeyFilter(q, null, 50).toProto()).get(0);
        assertThat(r.getColumnRangeFilter().getStartQualifierClosed()).isEqualTo(b(0x61, 0x00));
        assertThat(r.getColumnRangeFilter().hasEndQualifierOpen()).isFalse();
        assertThat(r.getColumnRangeFilter().hasEndQualifierClosed()).isFalse();
    }

    @Test
    void continuationStartsAfterTheLastQualifierAndKeepsThePrefixEnd() {
        IndexQuery whole = IndexQuery.row("t", "h");
        RowFilter r =
                chain(IndexReads.columnKeyFilter(whole, s("e0000999"), 1000).toProto()).get(0);
        assertThat(r.getColumnRangeFilter().getStartQualifierOpen()).isEqualTo(s("e0000999"));
        assertThat(r.getColumnRangeFilter().hasEndQualifierOpen()).isFalse();

        IndexQuery prefix = IndexQuery.builder("t", "h").rangeValuePrefix(bytes(s("e005"))).build();
        RowFilter p =
                chain(IndexReads.columnKeyFilter(prefix, s("e0050999"), 1000).toProto()).get(0);
        assertThat(p.getColumnRangeFilter().getStartQualifierOpen()).isEqualTo(s("e0050999"));
        assertThat(p.getColumnRangeFilter().getEndQualifierOpen()).isEqualTo(s("e006"));
    }

    @Test
    void columnKeyValueEqualComesAfterTheLatestCellAndBeforeThePageLimit() {
        IndexQuery q =
                IndexQuery.builder("t", "h")
                        .rangeValueStart(bytes(s("a:2")))
                        .valueEqual(bytes(s("x")))
                        .build();
        List<RowFilter> f = chain(IndexReads.columnKeyFilter(q, null, 7).toProto());
        assertThat(f).hasSize(4);
        assertThat(f.get(1).getCellsPerColumnLimitFilter()).isEqualTo(1);
        assertThat(f.get(2).getValueRangeFilter().getStartValueClosed()).isEqualTo(s("x"));
        assertThat(f.get(2).getValueRangeFilter().getEndValueClosed()).isEqualTo(s("x"));
        assertThat(f.get(3).getCellsPerRowLimitFilter()).isEqualTo(7);
    }

    @Test
    void aReadNamesAtMostAHundredRows() {
        IndexQuery q = IndexQuery.row("t", "h");
        List<ByteString> keys = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            keys.add(s("h" + i));
        }
        assertThat(
                        proto(IndexReads.columnKeyQuery(q, keys.subList(0, 100), null, 10))
                                .getRows()
                                .getRowKeysCount())
                .isEqualTo(100);
        assertThatThrownBy(() -> IndexReads.columnKeyQuery(q, keys, null, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexReads.columnKeyQuery(q, List.of(), null, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queriesShareARequestOnlyWithTheSameTableAndConditions() {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        IndexQuery q1 = IndexQuery.builder("t", "h1").rangeValueStart(a).build();
        IndexQuery q2 = IndexQuery.builder("t", "h2").rangeValueStart(a).build();
        IndexQuery otherTable = IndexQuery.builder("u", "h1").rangeValueStart(a).build();
        IndexQuery prefix = IndexQuery.builder("t", "h1").rangeValuePrefix(a).build();
        IndexQuery value = IndexQuery.builder("t", "h1").rangeValueStart(a).valueEqual(a).build();
        assertThat(IndexReads.conditionsKey(q1)).isEqualTo(IndexReads.conditionsKey(q2));
        assertThat(List.of(otherTable, prefix, value))
                .extracting(IndexReads::conditionsKey)
                .doesNotContain(IndexReads.conditionsKey(q1))
                .doesNotHaveDuplicates();
    }
}
