package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What lands in Bigtable, read back with the raw data client and compared with Cortex's layout
 * (pkg/chunk/gcp/bigtable_index_client.go) written out by hand: row keys (the hashed-prefix vectors
 * included), family {@code f}, qualifiers, timestamp 0 and values, for the index in each layout and
 * for chunks; and the family (and GC rule) of the tables we create.
 */
@RealServer
class BigtableLayoutTest {
    private static final Map<String, BigtableBackend> BACKENDS = new LinkedHashMap<>();
    private static BigtableTableAdminClient admin;

    @BeforeAll
    static void open() {
        for (String store : List.of("gcp", "gcp-columnkey", "bigtable", "bigtable-hashed")) {
            BACKENDS.put(store, Emulator.open(store, new SimpleMeterRegistry()));
        }
        admin = Emulator.admin();
    }

    @AfterAll
    static void close() {
        BACKENDS.values().forEach(BigtableBackend::close);
        admin.close();
    }

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

    /** One cell as stored: row key, family, qualifier, timestamp, value. */
    private record Stored(
            ByteString row,
            String family,
            ByteString qualifier,
            long timestamp,
            ByteString value) {}

    private static List<Stored> scan(BigtableBackend backend, String table) {
        List<Stored> out = new ArrayList<>();
        for (Row r : backend.dataClient().readRows(Query.create(TableId.of(table)))) {
            for (RowCell c : r.getCells()) {
                out.add(
                        new Stored(
                                r.getKey(),
                                c.getFamily(),
                                c.getQualifier(),
                                c.getTimestamp(),
                                c.getValue()));
            }
        }
        return out;
    }

    private static String table(BigtableBackend backend) {
        String t = Emulator.table("layout");
        backend.tableClient().createTable(TableDesc.named(t));
        return t;
    }

    /** Entries of those hash values, with binary range values and an empty value. */
    private static WriteBatch entries(String t) {
        return new WriteBatch()
                .add(
                        t,
                        "userID:d18028:foo",
                        new byte[] {0x00, (byte) 0xFF, 0x61},
                        "v1".getBytes(StandardCharsets.UTF_8))
                .add(t, "userID:d18028:foo", "b".getBytes(StandardCharsets.UTF_8), null)
                .add(
                        t,
                        "03:userID:d18028:foo",
                        "r".getBytes(StandardCharsets.UTF_8),
                        "v3".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void gcpKeepsOneRowPerEntryKeyedHashZeroRangeWithCellFC() {
        BigtableBackend backend = BACKENDS.get("gcp");
        String t = table(backend);
        backend.indexClient().batchWrite(entries(t));
        assertThat(scan(backend, t))
                .containsExactly(
                        new Stored(s("03:userID:d18028:foo\0r"), "f", s("c"), 0, s("v3")),
                        new Stored(
                                s("userID:d18028:foo\0").concat(b(0x00, 0xFF, 0x61)),
                                "f",
                                s("c"),
                                0,
                                s("v1")),
                        new Stored(s("userID:d18028:foo\0b"), "f", s("c"), 0, ByteString.EMPTY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcp-columnkey", "bigtable"})
    void columnKeyKeepsOneRowPerHashWithTheRangeAsQualifier(String store) {
        BigtableBackend backend = BACKENDS.get(store);
        String t = table(backend);
        backend.indexClient().batchWrite(entries(t));
        assertThat(scan(backend, t))
                .containsExactly(
                        new Stored(s("03:userID:d18028:foo"), "f", s("r"), 0, s("v3")),
                        new Stored(s("userID:d18028:foo"), "f", b(0x00, 0xFF, 0x61), 0, s("v1")),
                        new Stored(s("userID:d18028:foo"), "f", s("b"), 0, ByteString.EMPTY));
    }

    /**
     * Cortex's row keys (bigtable_index_client.go, fnv.go): {@code
     * e09782ff253d33df-userID:d18028:foo}, {@code 514da8f2ddc1d330-03:userID:d18028:foo}.
     */
    @Test
    void hashedPrefixesTheRowKeyWithTheFnvOfTheHash() {
        BigtableBackend backend = BACKENDS.get("bigtable-hashed");
        String t = table(backend);
        backend.indexClient().batchWrite(entries(t));
        assertThat(scan(backend, t))
                .containsExactly(
                        new Stored(
                                s("514da8f2ddc1d330-03:userID:d18028:foo"),
                                "f",
                                s("r"),
                                0,
                                s("v3")),
                        new Stored(
                                s("e09782ff253d33df-userID:d18028:foo"),
                                "f",
                                b(0x00, 0xFF, 0x61),
                                0,
                                s("v1")),
                        new Stored(
                                s("e09782ff253d33df-userID:d18028:foo"),
                                "f",
                                s("b"),
                                0,
                                ByteString.EMPTY));
    }

    /**
     * Rows written in each layout by another writer (as Cortex would) are read back by the index
     * client.
     */
    @Test
    void rowsWrittenRawInEachLayoutAreReadByTheIndexClient() {
        Map<String, Function<String, RowMutation>> raw =
                Map.of(
                        "gcp",
                                t ->
                                        RowMutation.create(
                                                        TableId.of(t),
                                                        s("h\0").concat(b(0xFF, 0x01)))
                                                .setCell("f", s("c"), 0, s("v")),
                        "bigtable",
                                t ->
                                        RowMutation.create(TableId.of(t), s("h"))
                                                .setCell("f", b(0xFF, 0x01), 0, s("v")),
                        "bigtable-hashed",
                                t ->
                                        RowMutation.create(TableId.of(t), s("d7fb01864ce563af-h"))
                                                .setCell("f", b(0xFF, 0x01), 0, s("v")));
        for (Map.Entry<String, Function<String, RowMutation>> e : raw.entrySet()) {
            BigtableBackend backend = BACKENDS.get(e.getKey());
            String t = table(backend);
            backend.dataClient().mutateRow(e.getValue().apply(t));
            List<byte[]> ranges = new ArrayList<>();
            IndexQuery q =
                    IndexQuery.builder(t, "h").rangeValueStart(new byte[] {(byte) 0xFF}).build();
            backend.indexClient()
                    .queryPages(
                            List.of(q),
                            (query, page) -> {
                                ReadBatch.ReadBatchIterator it = page.iterator();
                                while (it.next()) {
                                    ranges.add(it.rangeValue());
                                    assertThat(it.value())
                                            .isEqualTo("v".getBytes(StandardCharsets.UTF_8));
                                }
                                return true;
                            });
            assertThat(ranges).as(e.getKey()).containsExactly(new byte[] {(byte) 0xFF, 0x01});
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcp", "bigtable", "bigtable-hashed"})
    void deletesRemoveTheCellAndReadsTakeTheLatestCellOfAColumn(String store) {
        BigtableBackend backend = BACKENDS.get(store);
        String t = table(backend);
        backend.indexClient().batchWrite(entries(t));
        backend.indexClient()
                .batchWrite(
                        new WriteBatch()
                                .delete(
                                        t,
                                        "userID:d18028:foo",
                                        "b".getBytes(StandardCharsets.UTF_8)));
        assertThat(scan(backend, t)).hasSize(2).noneMatch(c -> c.value().isEmpty());

        // Another version of a cell, at a later timestamp: reads see only that one.
        IndexLayout layout = IndexLayout.forStore(store);
        byte[] range = "r".getBytes(StandardCharsets.UTF_8);
        backend.dataClient()
                .mutateRow(
                        RowMutation.create(
                                        TableId.of(t), layout.rowKey("03:userID:d18028:foo", range))
                                .setCell("f", layout.qualifier(range), 5_000, s("newer")));
        assertThat(scan(backend, t)).hasSize(3);
        List<String> values = new ArrayList<>();
        backend.indexClient()
                .queryPages(
                        List.of(IndexQuery.row(t, "03:userID:d18028:foo")),
                        (q, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                values.add(new String(it.value(), StandardCharsets.UTF_8));
                            }
                            return true;
                        });
        assertThat(values).containsExactly("newer");
    }

    @Test
    void chunksAreRowsKeyedByExternalKeyWithCellFC() {
        BigtableBackend backend = BACKENDS.get("bigtable-hashed");
        String t = table(backend);
        String key = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";
        byte[] bytes = {0x00, 0x01, (byte) 0xFF};
        backend.chunkClient().putChunks(List.of(new EncodedChunk(key, t, bytes)));
        assertThat(scan(backend, t))
                .containsExactly(new Stored(s(key), "f", s("c"), 0, ByteString.copyFrom(bytes)));
        backend.chunkClient().deleteChunk(new ChunkLocation(key, t));
        assertThat(scan(backend, t)).isEmpty();
    }

    @Test
    void tablesAreCreatedWithFamilyFAndTheConfiguredGcRule() {
        BigtableBackend backend = BACKENDS.get("gcp");
        String plain = table(backend);
        List<ColumnFamily> families = admin.getTable(plain).getColumnFamilies();
        assertThat(families).extracting(ColumnFamily::getId).containsExactly("f");
        assertThat(families.get(0).getGCRule()).isEqualTo(GCRules.GCRULES.defaultRule());

        try (BigtableBackend versioned =
                Emulator.open(
                        "gcp",
                        new SimpleMeterRegistry(),
                        BigtableIndexClient.DEFAULT_PAGE_CELLS,
                        Map.of("gc_max_versions", 1))) {
            String t = Emulator.table("gc");
            versioned.tableClient().createTable(TableDesc.named(t));
            assertThat(admin.getTable(t).getColumnFamilies().get(0).getGCRule())
                    .isEqualTo(GCRules.GCRULES.maxVersions(1));
        }
    }
}
