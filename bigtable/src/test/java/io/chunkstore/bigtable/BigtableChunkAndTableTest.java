package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.ModifyColumnFamiliesRequest;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunk and table behaviour on the emulator beyond the shared suite: batching of chunk reads, a
 * missing chunk table, chunks over the store's limit, and which tables are listed (family {@code
 * f}, the table-info cache).
 */
@RealServer
class BigtableChunkAndTableTest {
    private static final SimpleMeterRegistry METRICS = new SimpleMeterRegistry();
    private static BigtableBackend backend;
    private static BigtableTableAdminClient admin;

    @BeforeAll
    static void open() {
        backend = Emulator.open("bigtable", METRICS);
        admin = Emulator.admin();
    }

    @AfterAll
    static void close() {
        backend.close();
        admin.close();
    }

    private static String table() {
        String t = Emulator.table("chunks");
        backend.tableClient().createTable(TableDesc.named(t));
        return t;
    }

    private static long calls(String operation) {
        return METRICS
                .find("test_" + RequestMetrics.NAME)
                .tag("operation", operation)
                .timers()
                .stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @Test
    void chunkReadsAskForAtMostAHundredRowsPerRequest() throws InterruptedException {
        String t = table();
        List<EncodedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            chunks.add(new EncodedChunk("user/" + i + ":1:2:3", t, new byte[] {(byte) i}));
        }
        backend.chunkClient().putChunks(chunks);
        String op = "/google.bigtable.v2.Bigtable/ReadRows";
        long before = calls(op);
        List<ChunkLocation> ask =
                new ArrayList<>(chunks.stream().map(EncodedChunk::location).toList());
        ask.add(chunks.get(0).location()); // asked twice, read and returned once
        assertThat(backend.chunkClient().getChunks(ask))
                .containsExactlyInAnyOrderElementsOf(chunks);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (calls(op) - before < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        assertThat(calls(op) - before).isEqualTo(3);
    }

    @Test
    void aMissingChunkTableIsNamedForEveryKeyInIt() {
        String t = table();
        String missing = Emulator.table("nochunks");
        EncodedChunk present = new EncodedChunk("user/1:1:2:3", t, new byte[] {1});
        backend.chunkClient().putChunks(List.of(present));
        List<ChunkLocation> ask =
                List.of(
                        present.location(),
                        new ChunkLocation("user/2:1:2:3", missing),
                        new ChunkLocation("user/3:1:2:3", missing));
        assertThatThrownBy(() -> backend.chunkClient().getChunks(ask))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(e.fetched()).containsExactly(present);
                            assertThat(e.failures())
                                    .containsOnlyKeys("user/2:1:2:3", "user/3:1:2:3");
                            assertThat(e.failures().values())
                                    .allSatisfy(
                                            f ->
                                                    assertThat(f)
                                                            .isInstanceOfSatisfying(
                                                                    TableNotFoundException.class,
                                                                    n ->
                                                                            assertThat(
                                                                                            n
                                                                                                    .tableName())
                                                                                    .isEqualTo(
                                                                                            missing)));
                            assertThat(e.onlyNotFound())
                                    .as("a missing table is not a missing chunk")
                                    .isFalse();
                        });
        assertThatThrownBy(
                        () ->
                                backend.chunkClient()
                                        .putChunks(
                                                List.of(
                                                        new EncodedChunk(
                                                                "k", missing, new byte[1]))))
                .isInstanceOfSatisfying(
                        TableNotFoundException.class,
                        e -> assertThat(e.tableName()).isEqualTo(missing));
        assertThatThrownBy(() -> backend.chunkClient().deleteChunk(new ChunkLocation("k", missing)))
                .isInstanceOf(TableNotFoundException.class);
    }

    @Test
    void chunksNeedATable() {
        assertThatThrownBy(
                        () ->
                                backend.chunkClient()
                                        .putChunks(List.of(new EncodedChunk("k", "", new byte[1]))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("chunk table");
        assertThatThrownBy(
                        () -> backend.chunkClient().getChunks(List.of(new ChunkLocation("k", ""))))
                .isInstanceOf(InvalidRequestException.class);
    }

    /**
     * With {@code max_send_msg_size} 1 MiB the store takes chunks up to 1 MiB - 64 KiB; a larger
     * put writes nothing.
     */
    @Test
    void aChunkOverTheLimitIsRefusedBeforeAnythingIsWritten() {
        try (BigtableBackend small =
                Emulator.open(
                        "bigtable",
                        new SimpleMeterRegistry(),
                        BigtableIndexClient.DEFAULT_PAGE_CELLS,
                        Map.of("grpc_client_config", Map.of("max_send_msg_size", 1 << 20)))) {
            long max = small.capabilities().maxChunkSize();
            assertThat(max).isEqualTo((1L << 20) - BigtableBackend.MESSAGE_OVERHEAD);
            String t = table();
            EncodedChunk fits = new EncodedChunk("user/1:1:2:3", t, new byte[(int) max]);
            EncodedChunk tooBig = new EncodedChunk("user/2:1:2:3", t, new byte[(int) max + 1]);
            assertThatThrownBy(() -> small.chunkClient().putChunks(List.of(fits, tooBig)))
                    .isInstanceOfSatisfying(
                            InvalidChunkException.class,
                            e -> {
                                assertThat(e.reason())
                                        .isEqualTo(InvalidChunkException.Reason.TOO_LARGE);
                                assertThat(e.key()).isEqualTo("user/2:1:2:3");
                            });
            assertThatThrownBy(() -> small.chunkClient().getChunks(List.of(fits.location())))
                    .isInstanceOf(ChunkFetchException.class);
            small.chunkClient().putChunks(List.of(fits));
            assertThat(small.chunkClient().getChunks(List.of(fits.location())))
                    .containsExactly(fits);
        }
    }

    /**
     * Only tables with family {@code f} are ours; which have it is cached until the cache entry
     * expires.
     */
    @Test
    void listingKeepsTablesWithFamilyFAndCachesWhichHaveIt() {
        String ours = table();
        String foreign = Emulator.table("foreign");
        admin.createTable(CreateTableRequest.of(foreign).addFamily("other"));
        assertThat(backend.tableClient().listTables()).contains(ours).doesNotContain(foreign);

        admin.modifyFamilies(ModifyColumnFamiliesRequest.of(foreign).addFamily("f"));
        assertThat(backend.tableClient().listTables())
                .as("cached as not ours")
                .doesNotContain(foreign);
        try (BigtableBackend uncached =
                Emulator.open(
                        "bigtable",
                        new SimpleMeterRegistry(),
                        BigtableIndexClient.DEFAULT_PAGE_CELLS,
                        Map.of("table_cache_enabled", false))) {
            assertThat(uncached.tableClient().listTables()).contains(ours, foreign);
        }
        try (BigtableBackend expiring =
                Emulator.open(
                        "bigtable",
                        new SimpleMeterRegistry(),
                        BigtableIndexClient.DEFAULT_PAGE_CELLS,
                        Map.of("table_cache_expiration", "0s"))) {
            assertThat(expiring.tableClient().listTables()).contains(ours, foreign);
        }
    }

    /** Creating a table that exists without family {@code f} adds the family, as Cortex does. */
    @Test
    void creatingAnExistingTableAddsFamilyF() {
        String t = Emulator.table("nof");
        admin.createTable(CreateTableRequest.of(t).addFamily("other"));
        backend.tableClient().createTable(TableDesc.named(t));
        assertThat(admin.getTable(t).getColumnFamilies())
                .extracting(ColumnFamily::getId)
                .containsExactlyInAnyOrder("other", "f");
        assertThat(backend.tableClient().listTables()).contains(t);
    }

    /**
     * {@code grpc_compression: gzip} compresses requests. The emulator has no gzip decompressor, so
     * it refuses them with UNIMPLEMENTED naming gzip, which shows the option reaches the wire;
     * Bigtable itself accepts gzip.
     */
    @Test
    void gzipCompressionReachesTheWire() {
        try (BigtableBackend gzip =
                Emulator.open(
                        "bigtable",
                        new SimpleMeterRegistry(),
                        BigtableIndexClient.DEFAULT_PAGE_CELLS,
                        Map.of("grpc_client_config", Map.of("grpc_compression", "gzip")))) {
            String t = table();
            EncodedChunk c = new EncodedChunk("user/9:1:2:3", t, new byte[100_000]);
            assertThatThrownBy(() -> gzip.chunkClient().putChunks(List.of(c)))
                    .hasMessageContaining("UNIMPLEMENTED")
                    .hasMessageContaining("gzip")
                    .hasMessageContaining("grpc_compression");
        }
    }

    @Test
    void adminCallsAreMeasuredByMethod() {
        table();
        assertThat(calls("/google.bigtable.admin.v2.BigtableTableAdmin/CreateTable")).isPositive();
    }
}
