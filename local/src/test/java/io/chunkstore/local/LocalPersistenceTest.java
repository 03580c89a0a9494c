package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.conformance.PageRecorder.Entry;
import io.chunkstore.conformance.TestData;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PERSISTENT capability: what was written is there after closing and reopening the store. */
class LocalPersistenceTest {
    @TempDir Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "sync_writes={0}")
    @ValueSource(booleans = {true, false})
    void indexTablesAndChunksSurviveReopening(boolean sync) {
        LocalConfig config = LocalConfig.under(dir).withSyncWrites(sync);
        List<EncodedChunk> chunks = TestData.chunks(new Random(1), "user", "", 50, 10, 5000);
        try (LocalBackend b = LocalBackend.open(config, new SimpleMeterRegistry(), "")) {
            b.tableClient().createTable(TableDesc.named("index_2600"));
            b.tableClient().createTable(TableDesc.named("index_2601"));
            b.tableClient().createTable(TableDesc.named("gone"));
            WriteBatch w = new WriteBatch();
            for (int i = 0; i < 1000; i++) {
                w.add("index_2600", "h" + (i % 10), b("r" + i), b("v" + i));
            }
            w.add("index_2601", "x", new byte[] {0, (byte) 0xFF}, null);
            b.indexClient().batchWrite(w);
            b.indexClient().batchWrite(new WriteBatch().delete("index_2600", "h3", b("r3")));
            b.tableClient().deleteTable("gone");
            b.chunkClient().putChunks(chunks);
        }
        try (LocalBackend b = LocalBackend.open(config, new SimpleMeterRegistry(), "")) {
            assertThat(b.tableClient().listTables()).containsExactly("index_2600", "index_2601");
            assertThat(PageRecorder.entries(b.indexClient(), IndexQuery.row("index_2600", "h3")))
                    .hasSize(99)
                    .doesNotContain(new Entry(b("r3"), b("v3")))
                    .contains(new Entry(b("r13"), b("v13")));
            assertThat(PageRecorder.entries(b.indexClient(), IndexQuery.row("index_2601", "x")))
                    .containsExactly(new Entry(new byte[] {0, (byte) 0xFF}, null));
            assertThat(
                            b.chunkClient()
                                    .getChunks(
                                            chunks.stream().map(EncodedChunk::location).toList()))
                    .containsExactlyInAnyOrderElementsOf(chunks);
        }
    }

    @Test
    void reopeningWithSeparateIndexAndChunkDirectoriesFromYamlKeys() {
        java.util.Map<String, Object> block =
                java.util.Map.of(
                        "index_directory",
                        dir.resolve("i").toString(),
                        "chunks_directory",
                        dir.resolve("c").toString());
        EncodedChunk c = new EncodedChunk("u/1:2:3:4", "", b("chunk"));
        try (LocalBackend b =
                LocalBackend.open(LocalConfig.fromBlock(block), new SimpleMeterRegistry(), "")) {
            b.tableClient().createTable(TableDesc.named("t"));
            b.chunkClient().putChunks(List.of(c));
        }
        assertThat(dir.resolve("i").resolve("CURRENT")).isRegularFile();
        assertThat(dir.resolve("c"))
                .isDirectoryContaining(p -> p.getFileName().toString().equals("dS8xOjI6Mzo0"));
        try (LocalBackend b =
                LocalBackend.open(LocalConfig.fromBlock(block), new SimpleMeterRegistry(), "")) {
            assertThat(b.tableClient().listTables()).containsExactly("t");
            assertThat(b.chunkClient().getChunks(List.of(c.location()))).containsExactly(c);
        }
    }
}
