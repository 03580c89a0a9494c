package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.testservers.CassandraEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our rows as Cortex lays them out, checked with plain CQL against the real server: the DDL
 * (system_schema), the bytes of index and chunk rows, the keyspace we create, table options; and
 * Cortex-written rows read through our client. Also the index read path's edges: exact prefix
 * ranges with 0xFF bytes, driver paging page by page, early stop that fetches no further page,
 * client-side value filtering, missing tables.
 */
@RealServer
class CassandraLayoutTest {
    private static final String KS = CassandraTestSupport.freshKeyspace("layout");
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static CassandraBackend backend;
    private static CqlSession cql;

    @BeforeAll
    static void open() {
        backend =
                CassandraTestSupport.open(
                        KS,
                        Map.of(
                                "page_size",
                                10,
                                "table_options",
                                "default_time_to_live = 0 AND comment = 'chunkstore layout test'"),
                        METRICS);
        CassandraEndpoint ep = TestServers.cassandra();
        cql =
                CqlSession.builder()
                        .addContactPoints(ep.contactPoints())
                        .withLocalDatacenter(ep.localDatacenter())
                        .withConfigLoader(
                                DriverConfigLoader.programmaticBuilder()
                                        .withBoolean(
                                                DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                                        .withString(DefaultDriverOption.PROTOCOL_VERSION, "V5")
                                        .withDuration(
                                                DefaultDriverOption.REQUEST_TIMEOUT,
                                                Duration.ofSeconds(10))
                                        .build())
                        .build();
    }

    @AfterAll
    static void close() {
        if (cql != null) {
            cql.execute("DROP KEYSPACE IF EXISTS " + KS);
            cql.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static byte[] b(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buf) {
        return CassandraIndexClient.bytes(buf);
    }

    private static List<IndexEntry> query(IndexQuery q) {
        List<IndexEntry> out = new ArrayList<>();
        backend.indexClient()
                .queryPages(
                        List.of(q),
                        (query, page) -> {
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                out.add(
                                        new IndexEntry(
                                                query.tableName(),
                                                query.hashValue(),
                                                it.rangeValue(),
                                                it.value()));
                            }
                            return true;
                        });
        return out;
    }

    @Test
    void keyspaceAndTableDdlAreCortexs() {
        backend.tableClient().createTable(TableDesc.named("index_2700"));
        Row ks =
                cql.execute(
                                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
                                KS)
                        .one();
        assertThat(ks.getMap("replication", String.class, String.class))
                .containsEntry("class", "org.apache.cassandra.locator.SimpleStrategy")
                .containsEntry("replication_factor", "1");
        Map<String, String> columns = new TreeMap<>();
        for (Row r :
                cql.execute(
                        "SELECT column_name, kind, type, clustering_order, position FROM"
                                + " system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
                        KS,
                        "index_2700")) {
            columns.put(
                    r.getString("column_name"),
                    r.getString("kind")
                            + " "
                            + r.getString("type")
                            + " "
                            + r.getString("clustering_order")
                            + " "
                            + r.getInt("position"));
        }
        assertThat(columns)
                .containsExactly(
                        Map.entry("hash", "partition_key text none 0"),
                        Map.entry("range", "clustering blob asc 0"),
                        Map.entry("value", "regular blob none -1"));
        Row t =
                cql.execute(
                                "SELECT comment, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?"
                                        + " AND table_name = ?",
                                KS,
                                "index_2700")
                        .one();
        assertThat(t.getString("comment")).isEqualTo("chunkstore layout test");
        assertThat(backend.tableClient().listTables()).contains("index_2700");
        assertThat(backend.tableClient().describeTable("index_2700").active()).isTrue();
        assertThat(CassandraTestSupport.requests(METRICS, "CREATE")).isPositive();
    }

    @Test
    void indexRowsAreCortexsBytes() {
        backend.tableClient().createTable(TableDesc.named("index_bytes"));
        WriteBatch w =
                new WriteBatch()
                        .add("index_bytes", "fake:d18500:logs", b(0x00, 0xFF, 0x41), b(0x2D))
                        .add("index_bytes", "fake:d18500:logs", b(0x41, 0x00), null);
        backend.indexClient().batchWrite(w);
        List<Row> rows =
                cql.execute(
                                "SELECT hash, range, value FROM "
                                        + KS
                                        + ".index_bytes WHERE hash = ?",
                                "fake:d18500:logs")
                        .all();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getString("hash")).isEqualTo("fake:d18500:logs");
        assertThat(bytes(rows.get(0).getByteBuffer("range"))).containsExactly(0x00, 0xFF, 0x41);
        assertThat(bytes(rows.get(0).getByteBuffer("value"))).containsExactly(0x2D);
        assertThat(bytes(rows.get(1).getByteBuffer("range"))).containsExactly(0x41, 0x00);
        // An empty value is stored as an empty blob, never as null (a null would write a
        // tombstone).
        assertThat(rows.get(1).isNull("value")).isFalse();
        assertThat(rows.get(1).getByteBuffer("value").remaining()).isZero();
    }

    @Test
    void chunkRowsAreCortexsBytes() throws Exception {
        backend.tableClient().createTable(TableDesc.named("chunks_2700"));
        Path golden = GoldenFiles.dir().resolve("chunk-d97c78e1.bin");
        byte[] chunk = Files.readAllBytes(golden);
        String key = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";
        backend.chunkClient().putChunks(List.of(new EncodedChunk(key, "chunks_2700", chunk)));
        List<Row> rows =
                cql.execute("SELECT range, value FROM " + KS + ".chunks_2700 WHERE hash = ?", key)
                        .all();
        assertThat(rows).hasSize(1);
        assertThat(bytes(rows.get(0).getByteBuffer("range"))).containsExactly(0x00);
        assertThat(bytes(rows.get(0).getByteBuffer("value"))).isEqualTo(chunk);
        assertThat(backend.chunkClient().getChunks(List.of(new ChunkLocation(key, "chunks_2700"))))
                .containsExactly(new EncodedChunk(key, "chunks_2700", chunk));
        backend.chunkClient().deleteChunk(new ChunkLocation(key, "chunks_2700"));
        assertThat(
                        cql.execute("SELECT range FROM " + KS + ".chunks_2700 WHERE hash = ?", key)
                                .all())
                .isEmpty();
    }

    @Test
    void cortexWrittenRowsAreReadable() {
        // What Cortex's gocql client sends, with its unquoted names.
        cql.execute(
                "CREATE TABLE IF NOT EXISTS "
                        + KS
                        + ".index_cortex (hash text, range blob, value blob,"
                        + " PRIMARY KEY (hash, range))");
        cql.execute(
                cql.prepare(
                                "INSERT INTO "
                                        + KS
                                        + ".index_cortex (hash, range, value) VALUES (?, ?, ?)")
                        .bind("h", ByteBuffer.wrap(b(0x61, 0x00)), ByteBuffer.wrap(b(0x76))));
        cql.execute(
                "INSERT INTO "
                        + KS
                        + ".index_cortex (hash, range, value) VALUES ('h', 0x6200, null)");
        cql.execute(
                "INSERT INTO "
                        + KS
                        + ".index_cortex (hash, range, value) VALUES ('chunk', 0x00, 0xCAFE)");
        assertThat(query(IndexQuery.row("index_cortex", "h")))
                .containsExactly(
                        new IndexEntry("index_cortex", "h", b(0x61, 0x00), b(0x76)),
                        new IndexEntry("index_cortex", "h", b(0x62, 0x00), null));
        assertThat(query(IndexQuery.row("Index_Cortex", "h")))
                .hasSize(2); // unquoted names fold to lower case
        assertThat(
                        backend.chunkClient()
                                .getChunks(List.of(new ChunkLocation("chunk", "index_cortex")))
                                .get(0)
                                .encoded())
                .containsExactly(0xCA, 0xFE);
    }

    @Test
    void goldenEntriesRoundTripAndAnswerTheGoldenQueries() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line :
                Files.readAllLines(
                        GoldenFiles.dir().resolve("cortex-v1.10-worked-example.jsonl"))) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }
        Map<String, List<IndexEntry>> written = new HashMap<>();
        WriteBatch w = new WriteBatch();
        for (JsonNode n : lines) {
            if (n.get("kind").asText().equals("entry")) {
                String table = "golden_" + n.get("schema").asText() + "_" + n.get("table").asText();
                backend.tableClient().createTable(TableDesc.named(table));
                IndexEntry e =
                        new IndexEntry(
                                table,
                                n.get("hash").asText(),
                                Bytes.fromHex(n.get("range").asText()),
                                Bytes.fromHex(n.get("value").asText()));
                w.add(e);
                written.computeIfAbsent(table + "\n" + e.hashValue(), k -> new ArrayList<>())
                        .add(e);
            }
        }
        backend.indexClient().batchWrite(w);
        for (IndexEntry e : w.puts()) {
            Row r =
                    cql.execute(
                                    "SELECT value FROM "
                                            + KS
                                            + "."
                                            + e.tableName()
                                            + " WHERE hash = ? AND range = ?",
                                    e.hashValue(),
                                    ByteBuffer.wrap(e.rangeValue()))
                            .one();
            assertThat(r).as(e.toString()).isNotNull();
            assertThat(bytes(r.getByteBuffer("value"))).isEqualTo(e.value());
        }
        int nonEmpty = 0;
        for (JsonNode n : lines) {
            if (!n.get("kind").asText().equals("query")) {
                continue;
            }
            String table = "golden_" + n.get("schema").asText() + "_" + n.get("table").asText();
            IndexQuery q =
                    IndexQuery.builder(table, n.get("hash").asText())
                            .rangeValuePrefix(Bytes.fromHex(n.get("prefix").asText()))
                            .rangeValueStart(Bytes.fromHex(n.get("start").asText()))
                            .valueEqual(Bytes.fromHex(n.get("valueEqual").asText()))
                            .build();
            List<IndexEntry> expected =
                    written.getOrDefault(table + "\n" + q.hashValue(), List.of()).stream()
                            .filter(e -> q.matches(e.rangeValue(), e.value()))
                            .sorted((a, c) -> Bytes.compare(a.rangeValue(), c.rangeValue()))
                            .toList();
            assertThat(query(q)).as(n.toString()).containsExactlyElementsOf(expected);
            nonEmpty += expected.isEmpty() ? 0 : 1;
        }
        assertThat(nonEmpty).isGreaterThan(10);
    }

    @Test
    void prefixIsTheExactRangeEvenWith0xFF() {
        backend.tableClient().createTable(TableDesc.named("index_prefix"));
        WriteBatch w = new WriteBatch();
        for (byte[] r :
                List.of(
                        b(0x01),
                        b(0x01, 0xFE),
                        b(0x01, 0xFF),
                        b(0x01, 0xFF, 0xFF),
                        b(0x01, 0xFF, 0xFF, 0x00),
                        b(0x02),
                        b(0xFF),
                        b(0xFF, 0xFF),
                        b(0xFF, 0xFF, 0x01))) {
            w.add("index_prefix", "h", r, r);
        }
        backend.indexClient().batchWrite(w);
        assertThat(
                        query(
                                IndexQuery.builder("index_prefix", "h")
                                        .rangeValuePrefix(b(0x01, 0xFF))
                                        .build()))
                .extracting(e -> Bytes.hex(e.rangeValue()))
                .containsExactly("01ff", "01ffff", "01ffff00");
        assertThat(
                        query(
                                IndexQuery.builder("index_prefix", "h")
                                        .rangeValuePrefix(b(0xFF, 0xFF))
                                        .build()))
                .extracting(e -> Bytes.hex(e.rangeValue()))
                .containsExactly("ffff", "ffff01");
        assertThat(
                        query(
                                IndexQuery.builder("index_prefix", "h")
                                        .rangeValueStart(b(0x01, 0xFF, 0xFF))
                                        .build()))
                .extracting(e -> Bytes.hex(e.rangeValue()))
                .containsExactly("01ffff", "01ffff00", "02", "ff", "ffff", "ffff01");
        assertThat(
                        query(
                                IndexQuery.builder("index_prefix", "h")
                                        .rangeValueStart(b(0x01))
                                        .valueEqual(b(0x02))
                                        .build()))
                .extracting(e -> Bytes.hex(e.rangeValue()))
                .containsExactly("02");
    }

    @Test
    void pagesAreStreamedAndEarlyStopFetchesNoFurtherPage() {
        backend.tableClient().createTable(TableDesc.named("index_pages"));
        WriteBatch w = new WriteBatch();
        for (int i = 0; i < 95; i++) {
            w.add(
                    "index_pages",
                    "row",
                    String.format("r%03d", i).getBytes(StandardCharsets.UTF_8),
                    (i % 2 == 0 ? "even" : "odd").getBytes(StandardCharsets.UTF_8));
        }
        backend.indexClient().batchWrite(w);
        List<Integer> sizes = new ArrayList<>();
        backend.indexClient()
                .queryPages(
                        List.of(IndexQuery.row("index_pages", "row")),
                        (q, page) -> {
                            sizes.add(page.size());
                            return true;
                        });
        assertThat(sizes).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 5); // page_size 10

        long before = CassandraTestSupport.requests(METRICS, "SELECT");
        AtomicInteger pages = new AtomicInteger();
        backend.indexClient()
                .queryPages(
                        List.of(IndexQuery.row("index_pages", "row")),
                        (q, page) -> {
                            pages.incrementAndGet();
                            return false;
                        });
        assertThat(pages.get()).isEqualTo(1);
        assertThat(CassandraTestSupport.requests(METRICS, "SELECT") - before).isEqualTo(1);

        List<IndexEntry> odd =
                query(
                        IndexQuery.builder("index_pages", "row")
                                .valueEqual("odd".getBytes(StandardCharsets.UTF_8))
                                .build());
        assertThat(odd)
                .hasSize(47)
                .allSatisfy(e -> assertThat(e.value()).asString().isEqualTo("odd"));
    }

    @Test
    void serverSideFilteringWhenAskedFor() {
        backend.tableClient().createTable(TableDesc.named("index_filter"));
        backend.indexClient()
                .batchWrite(
                        new WriteBatch()
                                .add("index_filter", "h", b(1), b(7))
                                .add("index_filter", "h", b(2), b(8))
                                .add("index_filter", "h", b(3), b(7)));
        try (CassandraBackend filtering =
                CassandraTestSupport.open(
                        KS, Map.of("allow_filtering", true), new SimpleMeterRegistry())) {
            List<byte[]> ranges = new ArrayList<>();
            filtering
                    .indexClient()
                    .queryPages(
                            List.of(
                                    IndexQuery.builder("index_filter", "h")
                                            .valueEqual(b(7))
                                            .build()),
                            (q, page) -> {
                                var it = page.iterator();
                                while (it.next()) {
                                    ranges.add(it.rangeValue());
                                }
                                return true;
                            });
            assertThat(ranges).containsExactly(b(1), b(3));
        }
    }

    @Test
    void missingTablesAreTyped() {
        assertThatThrownBy(() -> query(IndexQuery.row("index_missing", "h")))
                .isInstanceOf(TableNotFoundException.class)
                .hasMessageContaining("index_missing");
        assertThatThrownBy(
                        () ->
                                backend.indexClient()
                                        .batchWrite(
                                                new WriteBatch()
                                                        .add("index_missing", "h", b(1), null)))
                .isInstanceOf(IndexWriteException.class)
                .satisfies(
                        e -> assertThat(e.getCause()).isInstanceOf(TableNotFoundException.class));
        assertThatThrownBy(() -> backend.tableClient().describeTable("index_missing"))
                .isInstanceOf(TableNotFoundException.class);
        backend.tableClient().createTable(TableDesc.named("index_dropped"));
        backend.indexClient().batchWrite(new WriteBatch().add("index_dropped", "h", b(1), null));
        assertThat(query(IndexQuery.row("index_dropped", "h"))).hasSize(1);
        backend.tableClient().deleteTable("index_dropped");
        assertThat(backend.tableClient().listTables()).doesNotContain("index_dropped");
        assertThatThrownBy(() -> query(IndexQuery.row("index_dropped", "h")))
                .isInstanceOf(TableNotFoundException.class);
        backend.tableClient().createTable(TableDesc.named("index_dropped"));
        assertThat(query(IndexQuery.row("index_dropped", "h"))).isEmpty();
    }
}
