package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * The table catalog of format 2: thousands of tables in one column family, ids never reused, a
 * deleted table's entries gone from the database (not only from sight), and a delete cut short by a
 * crash finished on the next open. The oracle is the database read directly, next to a name set
 * kept by the test.
 */
class TableCatalogTest {
    @TempDir Path dir;

    private LocalIndex open() {
        return new LocalIndex(LocalConfig.under(dir), new SimpleMeterRegistry(), "cat_");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "index_%05d", i);
    }

    /** Every key of the entries family, read straight from RocksDB. */
    private List<byte[]> rawEntries() throws Exception {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        try (DBOptions o = new DBOptions();
                RocksDB db =
                        RocksDB.open(
                                o,
                                dir.resolve("index").toString(),
                                List.of(
                                        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                                        new ColumnFamilyDescriptor(b(LocalIndex.ENTRIES_FAMILY))),
                                handles)) {
            try (RocksIterator it = db.newIterator(handles.get(1))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    keys.add(it.key());
                }
            }
            handles.forEach(ColumnFamilyHandle::close);
        }
        return keys;
    }

    @Test
    void twoThousandTablesSurviveReopeningAndDeletedOnesLeaveNoEntries() throws Exception {
        TreeSet<String> expected = new TreeSet<>();
        try (LocalIndex idx = open()) {
            for (int i = 0; i < 2_000; i++) {
                idx.createTable(TableDesc.named(name(i)));
                expected.add(name(i));
            }
            idx.createTable(TableDesc.named(name(5))); // exists: no-op
            WriteBatch w = new WriteBatch();
            for (int i = 0; i < 2_000; i += 100) {
                w.add(name(i), "h", b("r"), b(name(i)));
            }
            idx.batchWrite(w);
            assertThat(idx.listTables()).containsExactlyElementsOf(expected);
        }
        try (LocalIndex idx = open()) {
            assertThat(idx.listTables()).containsExactlyElementsOf(expected);
            for (String t : expected) {
                assertThat(idx.describeTable(t).desc().name()).isEqualTo(t);
            }
            for (int i = 0; i < 2_000; i += 2) {
                idx.deleteTable(name(i));
                expected.remove(name(i));
            }
            idx.createTable(TableDesc.named(name(0)));
            expected.add(name(0));
            assertThat(PageRecorder.entries(idx, IndexQuery.row(name(0), "h")))
                    .as("re-created: empty")
                    .isEmpty();
        }
        try (LocalIndex idx = open()) {
            assertThat(idx.listTables()).containsExactlyElementsOf(expected);
            assertThatThrownBy(() -> idx.describeTable(name(100)))
                    .isInstanceOf(TableNotFoundException.class);
            for (int i = 1; i < 2_000; i += 2) {
                idx.deleteTable(name(i));
            }
        }
        assertThat(rawEntries()).as("entries of deleted tables").isEmpty();
    }

    @Test
    void aDeleteCutShortByACrashIsFinishedOnOpen() throws Exception {
        try (LocalIndex idx = open()) {
            idx.createTable(TableDesc.named("t"));
            idx.createTable(TableDesc.named("kept"));
            idx.batchWrite(
                    new WriteBatch()
                            .add("t", "h", b("r"), b("v"))
                            .add("kept", "h", b("r"), b("v")));
        }
        // What a crash between the catalog write of deleteTable and its range delete leaves behind.
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions();
                RocksDB db =
                        RocksDB.open(
                                o,
                                dir.resolve("index").toString(),
                                List.of(
                                        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                                        new ColumnFamilyDescriptor(b(LocalIndex.ENTRIES_FAMILY))),
                                handles)) {
            byte[] tableKey = b(LocalIndex.TABLE_CF_PREFIX + "t");
            int id = IndexKeys.tableId(db.get(handles.get(0), tableKey));
            db.delete(handles.get(0), tableKey);
            db.put(handles.get(0), b(LocalIndex.DROPPING_PREFIX + id), new byte[0]);
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThat(rawEntries()).hasSize(2);
        try (LocalIndex idx = open()) {
            assertThat(idx.listTables()).containsExactly("kept");
            assertThat(PageRecorder.entries(idx, IndexQuery.row("kept", "h"))).hasSize(1);
        }
        assertThat(rawEntries()).hasSize(1);
    }

    @Test
    void aTableDeletedWhileReadIsPurgedWhenTheReadEnds() throws Exception {
        try (LocalIndex idx = open()) {
            idx.createTable(TableDesc.named("t"));
            idx.batchWrite(
                    new WriteBatch().add("t", "h", b("r1"), b("v")).add("t", "h", b("r2"), b("v")));
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch deleted = new CountDownLatch(1);
            CompletableFuture<Void> reader =
                    CompletableFuture.runAsync(
                            () ->
                                    idx.queryPages(
                                            List.of(IndexQuery.row("t", "h")),
                                            (q, page) -> {
                                                reading.countDown();
                                                try {
                                                    deleted.await(10, TimeUnit.SECONDS);
                                                } catch (InterruptedException e) {
                                                    Thread.currentThread().interrupt();
                                                }
                                                return true;
                                            }));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            idx.deleteTable("t");
            deleted.countDown();
            reader.get(10, TimeUnit.SECONDS);
        }
        assertThat(rawEntries()).as("purged by the reader letting go").isEmpty();
        try (LocalIndex idx = open()) {
            assertThat(idx.listTables()).isEmpty();
        }
    }
}
