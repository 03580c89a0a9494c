package io.chunkstore.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every RPC through the Java client → a real Netty server → the in-memory reference backend. */
class GrpcStoreRoundTripTest {
    private InMemoryBackend backend;
    private TestHarness h;
    private IndexClient index;
    private ChunkClient chunks;
    private TableClient tables;

    @BeforeEach
    void start() {
        backend = new InMemoryBackend();
        h = TestHarness.start(s -> s.backend(backend));
        index = h.client.indexClient();
        chunks = h.client.chunkClient();
        tables = h.client.tableClient();
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** Pages as "range=value" strings, per query object. */
    private Map<IndexQuery, List<String>> query(List<IndexQuery> queries) {
        Map<IndexQuery, List<String>> out = Collections.synchronizedMap(new IdentityHashMap<>());
        index.queryPages(
                queries,
                (q, page) -> {
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    List<String> rows = new ArrayList<>();
                    while (it.next()) {
                        rows.add(
                                new String(it.rangeValue(), UTF_8)
                                        + "="
                                        + new String(it.value(), UTF_8));
                    }
                    out.computeIfAbsent(q, k -> Collections.synchronizedList(new ArrayList<>()))
                            .addAll(rows);
                    return true;
                });
        return out;
    }

    @Test
    void tablesRoundTripTheirDescriptionsExceptAutoScaling() {
        AutoScalingConfig scaling = new AutoScalingConfig(true, "arn", 1, 2, 3, 4, 50);
        TableDesc desc =
                new TableDesc(
                        "index_2600",
                        true,
                        300,
                        1000,
                        Map.of("team", "obs", "env", "prod"),
                        scaling,
                        scaling);
        tables.createTable(desc);
        tables.createTable(TableDesc.named("chunks_2600"));

        assertThat(tables.listTables()).containsExactly("chunks_2600", "index_2600");
        TableStatus status = tables.describeTable("index_2600");
        assertThat(status.active()).isTrue();
        assertThat(status.desc())
                .isEqualTo(
                        new TableDesc(
                                "index_2600",
                                true,
                                300,
                                1000,
                                Map.of("team", "obs", "env", "prod"),
                                AutoScalingConfig.DISABLED,
                                AutoScalingConfig.DISABLED));

        TableDesc expected =
                new TableDesc("index_2600", false, 5, 6, Map.of("team", "storage"), null, null);
        tables.updateTable(status.desc(), expected);
        assertThat(backend.describeTable("index_2600").desc()).isEqualTo(expected);

        tables.deleteTable("chunks_2600");
        assertThat(tables.listTables()).containsExactly("index_2600");
        assertThatThrownBy(() -> tables.describeTable("chunks_2600"))
                .isInstanceOf(TableNotFoundException.class)
                .satisfies(
                        e ->
                                assertThat(((TableNotFoundException) e).tableName())
                                        .isEqualTo("chunks_2600"));
    }

    @Test
    void writesDeletesAndEveryKindOfQuery() {
        tables.createTable(TableDesc.named("index"));
        WriteBatch batch = index.newWriteBatch();
        for (String r : List.of("a1", "a2", "b1", "b2", "c1")) {
            batch.add("index", "row", b(r), b(r.startsWith("b") ? "vb" : "v"));
        }
        batch.add("index", "other", b("x"), null);
        index.batchWrite(batch);

        IndexQuery whole = IndexQuery.row("index", "row");
        IndexQuery prefix = IndexQuery.builder("index", "row").rangeValuePrefix(b("b")).build();
        IndexQuery start = IndexQuery.builder("index", "row").rangeValueStart(b("b2")).build();
        IndexQuery startValue =
                IndexQuery.builder("index", "row")
                        .rangeValueStart(b("a2"))
                        .valueEqual(b("v"))
                        .build();
        IndexQuery prefixValue =
                IndexQuery.builder("index", "row")
                        .rangeValuePrefix(b("b"))
                        .valueEqual(b("vb"))
                        .immutable(true)
                        .build();
        IndexQuery empty = IndexQuery.row("index", "missing-row");
        IndexQuery noValue = IndexQuery.row("index", "other");
        Map<IndexQuery, List<String>> got =
                query(List.of(whole, prefix, start, startValue, prefixValue, empty, noValue));
        assertThat(got.get(whole)).containsExactly("a1=v", "a2=v", "b1=vb", "b2=vb", "c1=v");
        assertThat(got.get(prefix)).containsExactly("b1=vb", "b2=vb");
        assertThat(got.get(start)).containsExactly("b2=vb", "c1=v");
        assertThat(got.get(startValue)).containsExactly("a2=v", "c1=v");
        assertThat(got.get(prefixValue)).containsExactly("b1=vb", "b2=vb");
        assertThat(got.get(empty)).isNull();
        assertThat(got.get(noValue)).containsExactly("x=");

        WriteBatch update = index.newWriteBatch();
        update.add("index", "row", b("a1"), b("new"));
        update.delete("index", "row", b("b1"));
        update.delete("index", "row", b("never-written"));
        index.batchWrite(update);
        assertThat(query(List.of(whole)).get(whole))
                .containsExactly("a1=new", "a2=v", "b2=vb", "c1=v");
    }

    @Test
    void putsOfABatchAreAppliedBeforeItsDeletes() {
        tables.createTable(TableDesc.named("index"));
        WriteBatch batch =
                index.newWriteBatch()
                        .add("index", "row", b("r"), b("v"))
                        .delete("index", "row", b("r"));
        index.batchWrite(batch);
        IndexQuery q = IndexQuery.row("index", "row");
        assertThat(query(List.of(q))).isEmpty();
    }

    @Test
    void manyQueriesRunInParallelAndEachGetsItsOwnRows() {
        tables.createTable(TableDesc.named("index"));
        WriteBatch batch = index.newWriteBatch();
        List<IndexQuery> queries = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            batch.add("index", "row" + i, b("r"), b("v" + i));
            queries.add(IndexQuery.row("index", "row" + i));
        }
        index.batchWrite(batch);
        Map<IndexQuery, List<String>> got = query(queries);
        for (int i = 0; i < 150; i++) {
            assertThat(got.get(queries.get(i))).containsExactly("r=v" + i);
        }
    }

    @Test
    void missingTablesAreTableNotFoundForQueriesAndWrites() {
        assertThatThrownBy(() -> query(List.of(IndexQuery.row("nope", "h"))))
                .isInstanceOf(TableNotFoundException.class)
                .satisfies(
                        e ->
                                assertThat(((TableNotFoundException) e).tableName())
                                        .isEqualTo("nope"));

        WriteBatch batch =
                index.newWriteBatch().add("nope", "h", b("r"), b("v")).delete("nope", "h", b("s"));
        assertThatThrownBy(() -> index.batchWrite(batch))
                .isInstanceOf(IndexWriteException.class)
                .satisfies(
                        e -> {
                            IndexWriteException w = (IndexWriteException) e;
                            assertThat(w.getCause()).isInstanceOf(TableNotFoundException.class);
                            assertThat(((TableNotFoundException) w.getCause()).tableName())
                                    .isEqualTo("nope");
                            assertThat(w.notWrittenPuts()).containsExactlyElementsOf(batch.puts());
                            assertThat(w.notWrittenDeletes())
                                    .containsExactlyElementsOf(batch.deletes());
                        });
    }

    @Test
    void chunksArePutFetchedAndDeletedThroughTheResolver() {
        EncodedChunk a = new EncodedChunk("userA/fp1:1:2:3", "chunks_userA", b("chunk A bytes"));
        EncodedChunk b =
                new EncodedChunk(
                        "userA/fp2:1:2:3", "chunks_userA", new byte[] {0, 1, 2, (byte) 0xff});
        EncodedChunk c = new EncodedChunk("userB/fp3/1:2:3", "chunks_userB", b("chunk C"));
        chunks.putChunks(List.of(a, b, c));

        assertThat(chunks.getChunks(List.of(a.location(), b.location(), c.location())))
                .containsExactlyInAnyOrder(a, b, c);

        // A Go client's DeleteChunks carries only the id: the server's resolver maps userA/... to
        // chunks_userA.
        h.raw.deleteChunks(
                io.chunkstore.grpc.proto.ChunkID.newBuilder().setChunkID(a.key()).build());
        assertThat(backend.getChunks(List.of(b.location()))).containsExactly(b);
        assertThatThrownBy(() -> backend.getChunks(List.of(a.location())))
                .isInstanceOf(ChunkFetchException.class);

        // The Java client also names the table (a header), so a chunk outside the resolver's scheme
        // is found too.
        EncodedChunk elsewhere =
                new EncodedChunk("userA/fp9:1:2:3", "chunks_custom", b("elsewhere"));
        chunks.putChunks(List.of(elsewhere));
        h.raw.deleteChunks(
                io.chunkstore.grpc.proto.ChunkID.newBuilder().setChunkID(elsewhere.key()).build());
        assertThat(backend.getChunks(List.of(elsewhere.location())))
                .as("the resolver's table is another one")
                .containsExactly(elsewhere);
        chunks.deleteChunk(elsewhere.location());
        assertThatThrownBy(() -> backend.getChunks(List.of(elsewhere.location())))
                .isInstanceOf(ChunkFetchException.class);

        ChunkFetchException e =
                (ChunkFetchException)
                        org.assertj.core.api.Assertions.catchThrowable(
                                () ->
                                        chunks.getChunks(
                                                List.of(a.location(), b.location(), c.location())));
        assertThat(e.fetched()).containsExactlyInAnyOrder(b, c);
        assertThat(e.failures()).containsOnlyKeys(a.key());
        assertThat(e.failures().get(a.key())).isInstanceOf(ChunkNotFoundException.class);
        assertThat(e.onlyNotFound()).isTrue();

        chunks.deleteChunk(a.location()); // deleting a missing chunk is a no-op
    }

    @Test
    void emptyRequestsAreFine() {
        index.batchWrite(index.newWriteBatch());
        index.queryPages(List.of(), (q, p) -> true);
        chunks.putChunks(List.of());
        assertThat(chunks.getChunks(List.of())).isEmpty();
        assertThat(tables.listTables()).isEmpty();
    }

    @Test
    void largeWriteBatchesAreSplitIntoRequestsAndAllApplied() {
        tables.createTable(TableDesc.named("index"));
        WriteBatch batch = index.newWriteBatch();
        byte[] value = new byte[1000];
        for (int i = 0; i < 12_000; i++) { // ~12 MB: at least three 4 MiB WriteIndex requests
            batch.add("index", "row", b(String.format("%08d", i)), value);
        }
        index.batchWrite(batch);
        IndexQuery q = IndexQuery.row("index", "row");
        assertThat(query(List.of(q)).get(q)).hasSize(12_000);
    }
}
