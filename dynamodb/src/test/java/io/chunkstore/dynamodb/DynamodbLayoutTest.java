package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.testservers.RealServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Our items, read back with the raw SDK, are exactly Cortex's
 * (pkg/chunk/aws/dynamodb_storage_client.go): index cells {@code {h: S, r: B, [c: B]}}, chunks
 * {@code {h: external key, r: 0x63, c: bytes}} (Cortex's), split chunks as dynamodb/README.md
 * documents. Uses the golden Cortex v1.10 index entries and chunk of testdata/golden.
 */
@RealServer
class DynamodbLayoutTest {
    private static final String GOLDEN_CHUNK_KEY =
            "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    private static DynamoBackend backend;
    private static DynamoDbAsyncClient raw;
    private static String chunkTable;

    @BeforeAll
    static void open() {
        backend = DynamoServer.open("aws-dynamo");
        raw = backend.sdkClient();
        chunkTable = DynamoServer.createTable(backend, "layout_chunks");
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static Path golden() {
        String dir = System.getProperty("chunkstore.golden.dir");
        if (dir != null && Files.isDirectory(Path.of(dir))) {
            return Path.of(dir);
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
                p != null;
                p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/golden"))) {
                return p.resolve("testdata/golden");
            }
        }
        throw new IllegalStateException("testdata/golden not found");
    }

    private static List<JsonNode> goldenLines() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(golden().resolve("cortex-v1.10-worked-example.jsonl"))) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /**
     * Every golden entry, written per schema into its own tables, is stored as exactly {h, r, [c]}.
     */
    @Test
    void goldenIndexEntriesAreStoredAsCortexStoresThem() throws IOException {
        Map<String, String> tables = new TreeMap<>(); // schema + golden table -> our table
        Map<String, List<IndexEntry>> bySchema = new LinkedHashMap<>();
        for (JsonNode n : goldenLines()) {
            if (!n.get("kind").asText().equals("entry")) {
                continue;
            }
            String t =
                    tables.computeIfAbsent(
                            n.get("schema").asText() + "/" + n.get("table").asText(),
                            k ->
                                    DynamoServer.createTable(
                                            backend,
                                            "layout_" + k.replaceAll("[^a-zA-Z0-9_]", "_")));
            bySchema.computeIfAbsent(n.get("schema").asText(), k -> new ArrayList<>())
                    .add(
                            new IndexEntry(
                                    t,
                                    n.get("hash").asText(),
                                    Bytes.fromHex(n.get("range").asText()),
                                    Bytes.fromHex(n.get("value").asText())));
        }
        assertThat(bySchema).isNotEmpty();
        int withValue = 0;
        for (List<IndexEntry> entries : bySchema.values()) {
            WriteBatch b = backend.indexClient().newWriteBatch();
            entries.forEach(b::add);
            backend.indexClient().batchWrite(b);
            for (IndexEntry e : entries) {
                withValue += e.value().length > 0 ? 1 : 0;
            }
        }
        assertThat(withValue)
                .as("the golden set has entries with and without a value")
                .isPositive();

        for (String t : tables.values()) {
            Set<String> expected = new HashSet<>();
            bySchema.values().stream()
                    .flatMap(List::stream)
                    .filter(e -> e.tableName().equals(t))
                    .forEach(
                            e ->
                                    expected.add(
                                            e.hashValue()
                                                    + " "
                                                    + Bytes.hex(e.rangeValue())
                                                    + " "
                                                    + (e.value().length == 0
                                                            ? "<absent>"
                                                            : Bytes.hex(e.value()))));
            Set<String> stored = new HashSet<>();
            for (Map<String, AttributeValue> item : DynamoServer.scan(raw, t)) {
                assertThat(item.keySet()).isSubsetOf("h", "r", "c").contains("h", "r");
                assertThat(item.get("h").s()).as("h is a string").isNotNull();
                assertThat(item.get("r").b()).as("r is binary").isNotNull();
                if (item.containsKey("c")) {
                    assertThat(item.get("c").b()).as("c is binary").isNotNull();
                    assertThat(item.get("c").b().asByteArray())
                            .as("c is never stored empty")
                            .isNotEmpty();
                }
                stored.add(
                        item.get("h").s()
                                + " "
                                + Bytes.hex(item.get("r").b().asByteArray())
                                + " "
                                + (item.containsKey("c")
                                        ? Bytes.hex(item.get("c").b().asByteArray())
                                        : "<absent>"));
            }
            assertThat(stored).as("items of table %s", t).isEqualTo(expected);
        }
    }

    /**
     * Each golden query returns what Cortex's query semantics select from the golden entries, in
     * range order.
     */
    @Test
    void goldenQueriesReturnWhatTheSpecSelects() throws IOException {
        Map<String, String> tables = new TreeMap<>();
        Map<String, List<IndexEntry>> rows = new LinkedHashMap<>(); // our table + hash -> entries
        List<JsonNode> lines = goldenLines();
        WriteBatch all = backend.indexClient().newWriteBatch();
        for (JsonNode n : lines) {
            if (n.get("kind").asText().equals("entry")) {
                String t =
                        tables.computeIfAbsent(
                                n.get("schema").asText() + "/" + n.get("table").asText(),
                                k ->
                                        DynamoServer.createTable(
                                                backend,
                                                "query_" + k.replaceAll("[^a-zA-Z0-9_]", "_")));
                IndexEntry e =
                        new IndexEntry(
                                t,
                                n.get("hash").asText(),
                                Bytes.fromHex(n.get("range").asText()),
                                Bytes.fromHex(n.get("value").asText()));
                rows.computeIfAbsent(t + " " + e.hashValue(), k -> new ArrayList<>()).add(e);
                all.add(e);
            }
        }
        backend.indexClient().batchWrite(all);
        List<IndexQuery> queries = new ArrayList<>();
        Map<IndexQuery, List<String>> expected = new LinkedHashMap<>();
        int nonEmpty = 0;
        for (JsonNode n : lines) {
            if (!n.get("kind").asText().equals("query")) {
                continue;
            }
            String t = tables.get(n.get("schema").asText() + "/" + n.get("table").asText());
            if (t == null) {
                continue; // a query of a table the example writes nothing to
            }
            IndexQuery q =
                    IndexQuery.builder(t, n.get("hash").asText())
                            .rangeValuePrefix(Bytes.fromHex(n.get("prefix").asText()))
                            .rangeValueStart(Bytes.fromHex(n.get("start").asText()))
                            .valueEqual(Bytes.fromHex(n.get("valueEqual").asText()))
                            .build();
            List<String> want =
                    rows.getOrDefault(t + " " + q.hashValue(), List.of()).stream()
                            .filter(e -> q.matches(e.rangeValue(), e.value()))
                            .sorted((a, b) -> Bytes.compare(a.rangeValue(), b.rangeValue()))
                            .map(e -> Bytes.hex(e.rangeValue()) + "=" + Bytes.hex(e.value()))
                            .toList();
            nonEmpty += want.isEmpty() ? 0 : 1;
            queries.add(q);
            expected.put(q, want);
        }
        assertThat(nonEmpty).as("golden queries that find entries").isGreaterThan(10);
        Map<IndexQuery, List<String>> got = Collections.synchronizedMap(new LinkedHashMap<>());
        backend.indexClient()
                .queryPages(
                        queries,
                        (q, page) -> {
                            List<String> l =
                                    got.computeIfAbsent(
                                            q,
                                            k -> Collections.synchronizedList(new ArrayList<>()));
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                l.add(Bytes.hex(it.rangeValue()) + "=" + Bytes.hex(it.value()));
                            }
                            return true;
                        });
        for (IndexQuery q : queries) {
            assertThat(got.getOrDefault(q, List.of()))
                    .as("%s", q)
                    .containsExactlyElementsOf(expected.get(q));
        }
    }

    /**
     * The golden chunk is stored as Cortex stores it: one item {h: external key, r: "c", c: the
     * bytes}.
     */
    @Test
    void aChunkIsOneCortexItem() throws IOException {
        byte[] golden = Files.readAllBytes(golden().resolve("chunk-d97c78e1.bin"));
        backend.chunkClient()
                .putChunks(List.of(new EncodedChunk(GOLDEN_CHUNK_KEY, chunkTable, golden)));
        Map<String, AttributeValue> item =
                raw.getItem(
                                r ->
                                        r.tableName(chunkTable)
                                                .consistentRead(true)
                                                .key(
                                                        Map.of(
                                                                "h",
                                                                AttributeValue.fromS(
                                                                        GOLDEN_CHUNK_KEY),
                                                                "r",
                                                                AttributeValue.fromB(
                                                                        SdkBytes.fromByteArray(
                                                                                new byte[] {
                                                                                    0x63
                                                                                })))))
                        .join()
                        .item();
        assertThat(item.keySet()).containsExactlyInAnyOrder("h", "r", "c");
        assertThat(item.get("c").b().asByteArray()).isEqualTo(golden);
        assertThat(
                        DynamoServer.scan(raw, chunkTable).stream()
                                .filter(i -> i.get("h").s().equals(GOLDEN_CHUNK_KEY)))
                .hasSize(1);
    }

    /** A chunk item written the way Cortex writes it reads back through the chunk client. */
    @Test
    void aChunkWrittenByCortexReads() throws IOException {
        byte[] golden = Files.readAllBytes(golden().resolve("chunk-d97c78e1.bin"));
        String key = "cortex/" + GOLDEN_CHUNK_KEY;
        raw.putItem(
                        r ->
                                r.tableName(chunkTable)
                                        .item(
                                                Map.of(
                                                        "h",
                                                        AttributeValue.fromS(key),
                                                        "r",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromUtf8String("c")),
                                                        "c",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(golden)))))
                .join();
        List<EncodedChunk> got =
                backend.chunkClient().getChunks(List.of(new ChunkLocation(key, chunkTable)));
        assertThat(got).containsExactly(new EncodedChunk(key, chunkTable, golden));
    }

    /**
     * A 2 MB chunk: parts r = "c" ‖ be32(i) for i = 2..n, head r = "c" with n and s; bytes
     * concatenate back.
     */
    @Test
    void aSplitChunkIsLaidOutAsDocumented() {
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(data);
        String key = "split/" + GOLDEN_CHUNK_KEY;
        backend.chunkClient().putChunks(List.of(new EncodedChunk(key, chunkTable, data)));
        List<Map<String, AttributeValue>> items = DynamoServer.items(raw, chunkTable, key);
        int parts = Layout.partCount(key, data.length);
        assertThat(parts).isGreaterThan(5);
        assertThat(items).extracting(i -> Bytes.hex(i.get("r").b().asByteArray())).hasSize(parts);
        Map<String, AttributeValue> head = items.get(0); // r = 63 sorts first
        assertThat(head.get("r").b().asByteArray()).containsExactly(0x63);
        assertThat(head.keySet()).containsExactlyInAnyOrder("h", "r", "c", "n", "s");
        assertThat(head.get("n").n()).isEqualTo(Integer.toString(parts));
        assertThat(head.get("s").n()).isEqualTo(Integer.toString(data.length));
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        joined.writeBytes(head.get("c").b().asByteArray());
        for (int i = 2; i <= parts; i++) {
            Map<String, AttributeValue> part = items.get(i - 1);
            assertThat(part.keySet()).containsExactlyInAnyOrder("h", "r", "c");
            assertThat(part.get("r").b().asByteArray()).containsExactly(0x63, 0, 0, 0, i);
            joined.writeBytes(part.get("c").b().asByteArray());
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
    }
}
