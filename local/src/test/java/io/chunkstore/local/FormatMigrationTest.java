package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A store written by the release before issue 21 (format 1: one column family per table) opens and
 * is migrated. The fixture {@code format1-store/} was written by that release's {@code
 * LocalBackend} (commit 613509c) with: tables {@code index_19000}, {@code index_19001}, {@code
 * empty}, {@code dropped}; in {@code index_19000} row {@code fake:d19000:logs:ab} = r1→v1, r2→v2,
 * r3→v3 then r2 deleted, row {@code "a\0b"} = c→(empty); in {@code index_19001} row {@code r} =
 * r000→v000 … r099→v099; {@code dropped} got h/r→v and was then deleted; one object {@code
 * fake/5ee0:18c0ba9e000:18c0bad8a00:1a2b3c4d} = "chunk bytes".
 */
class FormatMigrationTest {
    @TempDir Path dir;

    @BeforeEach
    void copyFixture() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/format1-store").toURI());
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path f : files.toList()) {
                Path t = dir.resolve(fixture.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertFixtureContent(LocalBackend store) {
        assertThat(store.tableClient().listTables())
                .containsExactly("empty", "index_19000", "index_19001");
        assertThat(
                        PageRecorder.entries(
                                store.indexClient(),
                                IndexQuery.row("index_19000", "fake:d19000:logs:ab")))
                .containsExactly(new Entry(b("r1"), b("v1")), new Entry(b("r3"), b("v3")));
        assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("index_19000", "a\0b")))
                .containsExactly(new Entry(b("c"), new byte[0]));
        assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("index_19000", "a")))
                .isEmpty();
        List<Entry> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(new Entry(b(String.format("r%03d", i)), b(String.format("v%03d", i))));
        }
        assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("index_19001", "r")))
                .containsExactlyElementsOf(expected);
        assertThat(PageRecorder.entries(store.indexClient(), IndexQuery.row("empty", "r")))
                .isEmpty();
        assertThatThrownBy(
                        () ->
                                PageRecorder.entries(
                                        store.indexClient(), IndexQuery.row("dropped", "h")))
                .isInstanceOf(TableNotFoundException.class);
        assertThat(store.objectClient().getObject("fake/5ee0:18c0ba9e000:18c0bad8a00:1a2b3c4d"))
                .isEqualTo(b("chunk bytes"));
    }

    private List<String> families() throws Exception {
        try (Options o = new Options()) {
            return RocksDB.listColumnFamilies(o, dir.resolve("index").toString()).stream()
                    .map(n -> new String(n, StandardCharsets.UTF_8))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aFormatOneStoreIsMigratedOnOpenAndKeepsEveryEntry() throws Exception {
        assertThat(families()).contains("table:index_19000", "table:index_19001", "table:empty");
        try (LocalBackend store = LocalBackend.open(dir)) {
            assertFixtureContent(store);
            store.indexClient()
                    .batchWrite(new WriteBatch().add("index_19001", "new", b("x"), b("y")));
        }
        assertThat(families())
                .as("one family per table is gone")
                .containsExactly("default", "entries");
        try (LocalBackend store = LocalBackend.open(dir)) {
            assertFixtureContent(store);
            assertThat(
                            PageRecorder.entries(
                                    store.indexClient(), IndexQuery.row("index_19001", "new")))
                    .containsExactly(new Entry(b("x"), b("y")));
        }
    }

    @Test
    void anInterruptedMigrationStartsTheTableOverWithoutLeftovers() throws Exception {
        // What a crash half-way through copying index_19001 leaves: its id recorded, part of it
        // (and a stray
        // entry) copied under that id, the table's own family still there.
        byte[] id = IndexKeys.tablePrefix(7);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String f : families()) {
            descriptors.add(new ColumnFamilyDescriptor(b(f)));
        }
        descriptors.add(new ColumnFamilyDescriptor(b(LocalIndex.ENTRIES_FAMILY)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions().setCreateMissingColumnFamilies(true);
                RocksDB db =
                        RocksDB.open(o, dir.resolve("index").toString(), descriptors, handles)) {
            ColumnFamilyHandle entries = handles.get(handles.size() - 1);
            db.put(
                    entries,
                    io.chunkstore.spi.Bytes.concat(id, IndexKeys.key("r", b("r000"))),
                    b("v000"));
            db.put(
                    entries,
                    io.chunkstore.spi.Bytes.concat(id, IndexKeys.key("stray", b("s"))),
                    b("s"));
            db.put(handles.get(0), b(LocalIndex.MIGRATING_PREFIX + "index_19001"), id);
            db.put(handles.get(0), LocalIndex.NEXT_TABLE_ID_KEY, IndexKeys.tablePrefix(8));
            handles.forEach(ColumnFamilyHandle::close);
        }
        try (LocalBackend store = LocalBackend.open(dir)) {
            assertFixtureContent(store);
            assertThat(
                            PageRecorder.entries(
                                    store.indexClient(), IndexQuery.row("index_19001", "stray")))
                    .isEmpty();
        }
    }
}
