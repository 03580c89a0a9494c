package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposedBackendTest {
    private static final Capabilities CHUNKS = Capabilities.of(Feature.CHUNKS);

    @Test
    void aMissingClientIsNamedAndAStoreCanSayWhatToUseInstead() {
        InMemoryBackend m = new InMemoryBackend();
        ComposedBackend b = ComposedBackend.builder("chunky", CHUNKS).chunks(m).build();
        assertThat(b.chunkClient()).isSameAs(m);
        assertThatThrownBy(b::indexClient)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("store 'chunky' has no index client");
        assertThatThrownBy(b::tableClient).hasMessage("store 'chunky' has no table client");

        SimpleBackend own =
                new SimpleBackend("objects", CHUNKS, null, m, null) {
                    @Override
                    protected String lacking(Feature client) {
                        return "store 'objects' holds chunks only; pair it with an index store";
                    }

                    @Override
                    public void close() {}
                };
        assertThatThrownBy(own::indexClient)
                .hasMessage("store 'objects' holds chunks only; pair it with an index store");
        assertThat(own.storeName()).isEqualTo("objects");
        assertThat(own.capabilities()).isEqualTo(CHUNKS);
    }

    @Test
    void closesEachClientOnceThenTheExtrasInReverseAndReportsTheFirstFailure() {
        List<String> closed = new ArrayList<>();
        InMemoryBackend m = new InMemoryBackend();
        ForwardingChunkClient chunks =
                new ForwardingChunkClient(m) {
                    @Override
                    public void close() {
                        closed.add("chunks");
                        throw new IllegalStateException("chunks");
                    }
                };
        ForwardingIndexClient index =
                new ForwardingIndexClient(m) {
                    @Override
                    public void close() {
                        closed.add("index+tables");
                    }
                };
        ComposedBackend b =
                ComposedBackend.builder("x", CHUNKS)
                        .index(index)
                        .chunks(chunks)
                        .tables(
                                new ForwardingTableClient(m) {
                                    @Override
                                    public void close() {
                                        closed.add("tables");
                                        throw new IllegalStateException("tables");
                                    }
                                })
                        .alsoClose(() -> closed.add("first extra"))
                        .alsoClose(() -> closed.add("second extra"))
                        .build();
        assertThatThrownBy(b::close)
                .hasMessage("tables")
                .satisfies(
                        e ->
                                assertThat(e.getSuppressed())
                                        .extracting(Throwable::getMessage)
                                        .containsExactly("chunks"));
        assertThat(closed)
                .containsExactly("tables", "chunks", "index+tables", "second extra", "first extra");
    }

    @Test
    void forwardersPassEveryCallOn() {
        InMemoryBackend m = new InMemoryBackend();
        ForwardingChunkClient chunks = new ForwardingChunkClient(m);
        EncodedChunk c = new EncodedChunk("u/1:2:3:4", "chunks_1", new byte[] {1, 2});
        chunks.putChunks(List.of(c));
        assertThat(chunks.getChunks(List.of(c.location()))).containsExactly(c);
        chunks.deleteChunk(c.location());
        assertThat(m.chunkCount()).isZero();

        ForwardingTableClient tables = new ForwardingTableClient(m);
        tables.createTable(io.chunkstore.spi.TableDesc.named("index_1"));
        assertThat(tables.listTables()).containsExactly("index_1");
        assertThat(tables.describeTable("index_1").desc().name()).isEqualTo("index_1");
        ForwardingIndexClient index = new ForwardingIndexClient(m);
        index.batchWrite(index.newWriteBatch().add("index_1", "h", new byte[] {1}, new byte[] {9}));
        List<byte[]> values = new ArrayList<>();
        index.queryPages(
                List.of(io.chunkstore.spi.IndexQuery.row("index_1", "h")),
                (q, page) -> {
                    for (var it = page.iterator(); it.next(); ) {
                        values.add(it.value());
                    }
                    return true;
                });
        assertThat(values).containsExactly(new byte[] {9});
        tables.deleteTable("index_1");
        assertThat(m.listTables()).isEmpty();
    }

    @Test
    void daemonThreadsAreNumberedDaemons() throws Exception {
        var factory = DaemonThreads.named("chunkstore-test");
        Thread one = factory.newThread(() -> {});
        Thread two = factory.newThread(() -> {});
        assertThat(one.getName()).isEqualTo("chunkstore-test-1");
        assertThat(two.getName()).isEqualTo("chunkstore-test-2");
        assertThat(one.isDaemon()).isTrue();
        List<String> ran = new ArrayList<>();
        Thread started =
                DaemonThreads.start(
                        "chunkstore-once", () -> ran.add(Thread.currentThread().getName()));
        started.join();
        assertThat(started.isDaemon()).isTrue();
        assertThat(ran).containsExactly("chunkstore-once");
    }
}
