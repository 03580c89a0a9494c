package io.chunkstore.conformance;

import static io.chunkstore.conformance.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The table client (Cortex's pkg/chunk/table_client.go): create is idempotent, list shows the
 * tables sorted, describe reports an active table by name and fails typed for a missing one, delete
 * drops the table with its data and ignores missing tables.
 */
@RequiresFeature(Feature.TABLES)
public interface TableContract extends BackendContract {

    private static List<String> ours(TestScope s, List<String> names) {
        return s.tables().listTables().stream().filter(names::contains).toList();
    }

    /** Creating a table twice is a no-op; it is listed once; listing is sorted. */
    @Test
    default void createIsIdempotentAndTablesAreListedSorted(TestScope s) {
        String a = s.uniqueTableName();
        String b = s.uniqueTableName();
        s.dropAfterTest(a);
        s.dropAfterTest(b);
        s.tables().createTable(TableDesc.named(b));
        s.tables().createTable(TableDesc.named(a));
        s.tables().createTable(TableDesc.named(b));
        List<String> all = s.tables().listTables();
        assertThat(all).isSorted().doesNotHaveDuplicates();
        assertThat(ours(s, List.of(a, b))).containsExactlyElementsOf(new TreeSet<>(List.of(a, b)));
    }

    /** Describe reports the table as active, with its name. */
    @Test
    default void describeReportsAnActiveTableByName(TestScope s) {
        String t = s.newTable();
        TableStatus st = s.tables().describeTable(t);
        assertThat(st.active()).isTrue();
        assertThat(st.desc().name()).isEqualTo(t);
    }

    /** Describing a missing table fails with {@link TableNotFoundException} naming it. */
    @Test
    default void describeOfAMissingTableFailsWithTableNotFound(TestScope s) {
        String missing = s.uniqueTableName();
        assertThatThrownBy(() -> s.tables().describeTable(missing))
                .isInstanceOfSatisfying(
                        TableNotFoundException.class,
                        e -> assertThat(e.tableName()).isEqualTo(missing));
    }

    /**
     * Delete removes the table from the list; deleting it again, or any missing table, is a no-op.
     */
    @Test
    default void deleteRemovesTheTableAndMissingTablesAreNoOps(TestScope s) {
        String t = s.newTable();
        assertThat(ours(s, List.of(t))).containsExactly(t);
        s.tables().deleteTable(t);
        assertThat(ours(s, List.of(t))).isEmpty();
        s.tables().deleteTable(t);
        s.tables().deleteTable(s.uniqueTableName());
        assertThatThrownBy(() -> s.tables().describeTable(t))
                .isInstanceOf(TableNotFoundException.class);
    }

    /** A deleted table's data is gone: recreated under the same name it is empty. */
    @Test
    @RequiresFeature(Feature.INDEX)
    default void deletingATableDropsItsData(TestScope s) {
        String t = s.newTable();
        s.index().batchWrite(s.index().newWriteBatch().add(t, "h", utf8("r"), utf8("v")));
        assertThat(PageRecorder.entries(s.index(), IndexQuery.row(t, "h"))).hasSize(1);
        s.tables().deleteTable(t);
        s.tables().createTable(TableDesc.named(t));
        assertThat(PageRecorder.entries(s.index(), IndexQuery.row(t, "h"))).isEmpty();
    }

    /** Reads and writes on a deleted table fail with {@link TableNotFoundException}. */
    @Test
    @RequiresFeature({Feature.INDEX, Feature.MISSING_TABLE_ERRORS})
    default void aDeletedTableIsMissingForReadsAndWrites(TestScope s) {
        String t = s.newTable();
        s.index().batchWrite(s.index().newWriteBatch().add(t, "h", utf8("r"), utf8("v")));
        s.tables().deleteTable(t);
        assertThatThrownBy(
                        () -> s.index().queryPages(List.of(IndexQuery.row(t, "h")), (q, p) -> true))
                .isInstanceOf(TableNotFoundException.class);
        assertThatThrownBy(
                        () ->
                                s.index()
                                        .batchWrite(
                                                s.index()
                                                        .newWriteBatch()
                                                        .add(t, "h", utf8("r"), null)))
                .satisfiesAnyOf(
                        e -> assertThat(e).isInstanceOf(TableNotFoundException.class),
                        e -> assertThat(e).hasCauseInstanceOf(TableNotFoundException.class));
    }

    /**
     * Update of an existing table succeeds (a no-op where throughput and tags mean nothing) and
     * keeps it.
     */
    @Test
    default void updateKeepsTheTable(TestScope s) {
        String t = s.newTable();
        TableDesc current = s.tables().describeTable(t).desc();
        TableDesc expected = new TableDesc(t, false, 10, 20, Map.of("team", "storage"), null, null);
        s.tables().updateTable(current, expected);
        assertThat(s.tables().describeTable(t).desc().name()).isEqualTo(t);
        assertThat(ours(s, List.of(t))).containsExactly(t);
    }
}
