package io.chunkstore.bench.raw;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.cloud.bigtable.data.v2.stub.metrics.NoopMetricsProvider;
import com.google.protobuf.ByteString;
import io.chunkstore.bench.Subject;
import io.chunkstore.bench.Tally;
import io.chunkstore.bigtable.BigtableConfig;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Bigtable's baseline: {@code BigtableDataClient} with the backend's client settings (emulator or
 * endpoint, project, instance, credentials, client metrics off) and its column-key layout (family
 * {@code f}, qualifier = range value, timestamp 0; {@code bigtable-hashed} row keys {@code
 * hex(le64(fnv1a64(hash))) ‖ "-" ‖ hash}). Writes: one {@code bulkMutateRows} per batch, a row
 * entry per hash value. Reads: ReadRows of up to 100 row keys with {@code cells_per_column 1} and
 * {@code cells_per_row} = 5,000 (the backend's page), a row that filled its page continued after
 * its last qualifier; every request, continuations included, runs on a pool of {@code
 * query_concurrency} threads. Chunks: cell {@code f:c} of the row named by the key, read 100 rows
 * per request on {@code chunk_get_concurrency} threads.
 */
public final class RawBigtable implements Subject {
    /** The backend's page: cells per row per ReadRows request. */
    public static final int PAGE_CELLS = 5000;

    private static final String FAMILY = "f";
    private static final ByteString CHUNK_QUALIFIER = ByteString.copyFromUtf8("c");
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final BigtableDataClient data;
    private final boolean hashed;
    private final Consumer<String> resetTable;
    private final ExecutorService queryPool;
    private final ExecutorService chunkPool;

    /**
     * @param config the backend's bound {@code bigtable:} block
     * @param store {@code bigtable-hashed}, {@code gcp-columnkey} or {@code bigtable}
     * @param resetTable empties a table (through our table client)
     */
    public RawBigtable(BigtableConfig config, String store, Consumer<String> resetTable) {
        if (!store.equals("bigtable-hashed")
                && !store.equals("gcp-columnkey")
                && !store.equals("bigtable")) {
            throw new ConfigException(
                    "the raw Bigtable baseline mirrors the column-key layouts only, not " + store);
        }
        this.hashed = store.equals("bigtable-hashed");
        this.resetTable = resetTable;
        try {
            BigtableDataSettings.Builder b;
            if (config.usesEmulator()) {
                String hp = config.emulatorHost();
                b =
                        BigtableDataSettings.newBuilderForEmulator(
                                hp.substring(0, hp.lastIndexOf(':')),
                                Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1)));
            } else {
                b = BigtableDataSettings.newBuilder();
                if (!config.credentialsFile().isEmpty()) {
                    try (InputStream in = Files.newInputStream(Path.of(config.credentialsFile()))) {
                        b.setCredentialsProvider(
                                FixedCredentialsProvider.create(GoogleCredentials.fromStream(in)));
                    }
                }
                if (!config.endpoint().isEmpty()) {
                    b.stubSettings().setEndpoint(config.endpoint());
                }
            }
            b.setProjectId(config.project())
                    .setInstanceId(config.instance())
                    .setMetricsProvider(NoopMetricsProvider.INSTANCE);
            this.data = BigtableDataClient.create(b.build());
        } catch (IOException e) {
            throw new StorageException(
                    "raw Bigtable baseline: cannot create the data client: " + e, e);
        }
        this.queryPool =
                Executors.newFixedThreadPool(
                        config.queryConcurrency(), DaemonThreads.named("raw-bt-query"));
        this.chunkPool =
                Executors.newFixedThreadPool(
                        config.chunkGetConcurrency(), DaemonThreads.named("raw-bt-chunk"));
    }

    @Override
    public String label() {
        return "raw";
    }

    /** {@code hex(le64(fnv1a64(hash))) ‖ "-" ‖ hash}: Cortex's {@code bigtable-hashed} row key. */
    public static String hashedRowKey(String hash) {
        long h = FNV_OFFSET;
        for (byte b : hash.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        StringBuilder sb = new StringBuilder(17 + hash.length());
        for (int i = 0; i < 8; i++) {
            int b = (int) (h >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.append('-').append(hash).toString();
    }

    private ByteString rowKey(String hash) {
        return ByteString.copyFromUtf8(hashed ? hashedRowKey(hash) : hash);
    }

    @Override
    public void writeIndex(List<IndexEntry> batch) {
        Map<String, Map<ByteString, RowMutationEntry>> byTable = new LinkedHashMap<>();
        for (IndexEntry e : batch) {
            byTable.computeIfAbsent(e.tableName(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(rowKey(e.hashValue()), RowMutationEntry::create)
                    .setCell(
                            FAMILY,
                            ByteString.copyFrom(e.rangeValue()),
                            0,
                            ByteString.copyFrom(e.value()));
        }
        byTable.forEach(
                (table, rows) -> {
                    BulkMutation bulk = BulkMutation.create(TableId.of(table));
                    rows.values().forEach(bulk::add);
                    data.bulkMutateRows(bulk);
                });
    }

    @Override
    public Tally query(List<IndexQuery> queries) {
        LongAdder entries = new LongAdder();
        LongAdder bytes = new LongAdder();
        Phaser pending = new Phaser(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < queries.size(); i += 100) {
            List<IndexQuery> group = queries.subList(i, Math.min(queries.size(), i + 100));
            List<ByteString> keys = group.stream().map(q -> rowKey(q.hashValue())).toList();
            read(group.get(0).tableName(), keys, null, pending, error, entries, bytes);
        }
        pending.arriveAndAwaitAdvance();
        if (error.get() != null) {
            throw new StorageException("raw Bigtable baseline: " + error.get(), error.get());
        }
        return new Tally(entries.sum(), bytes.sum());
    }

    /**
     * Submits one ReadRows request; rows that fill their page are continued by further requests.
     */
    private void read(
            String table,
            List<ByteString> keys,
            ByteString after,
            Phaser pending,
            AtomicReference<Throwable> error,
            LongAdder entries,
            LongAdder bytes) {
        pending.register();
        queryPool.execute(
                () -> {
                    try {
                        Query q = Query.create(TableId.of(table));
                        keys.forEach(q::rowKey);
                        Filters.ChainFilter chain = FILTERS.chain();
                        chain.filter(
                                after == null
                                        ? FILTERS.family().exactMatch(FAMILY)
                                        : FILTERS.qualifier()
                                                .rangeWithinFamily(FAMILY)
                                                .startOpen(after));
                        chain.filter(FILTERS.limit().cellsPerColumn(1))
                                .filter(FILTERS.limit().cellsPerRow(PAGE_CELLS));
                        for (Row row : data.readRows(q.filter(chain))) {
                            List<RowCell> cells = row.getCells();
                            long b = 0;
                            for (RowCell c : cells) {
                                b +=
                                        c.getQualifier().toByteArray().length
                                                + c.getValue().toByteArray().length;
                            }
                            entries.add(cells.size());
                            bytes.add(b);
                            if (cells.size() >= PAGE_CELLS) {
                                read(
                                        table,
                                        List.of(row.getKey()),
                                        cells.get(cells.size() - 1).getQualifier(),
                                        pending,
                                        error,
                                        entries,
                                        bytes);
                            }
                        }
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                    } finally {
                        pending.arriveAndDeregister();
                    }
                });
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        Map<String, BulkMutation> byTable = new LinkedHashMap<>();
        for (EncodedChunk c : chunks) {
            byTable.computeIfAbsent(c.tableName(), t -> BulkMutation.create(TableId.of(t)))
                    .add(
                            RowMutationEntry.create(c.key())
                                    .setCell(
                                            FAMILY,
                                            CHUNK_QUALIFIER,
                                            0,
                                            ByteString.copyFrom(c.encoded())));
        }
        byTable.values().forEach(data::bulkMutateRows);
    }

    @Override
    public Tally getChunks(List<ChunkLocation> chunks) {
        Filters.Filter cell =
                FILTERS.chain()
                        .filter(
                                FILTERS.qualifier()
                                        .rangeWithinFamily(FAMILY)
                                        .startClosed(CHUNK_QUALIFIER)
                                        .endClosed(CHUNK_QUALIFIER))
                        .filter(FILTERS.limit().cellsPerColumn(1));
        List<Callable<Tally>> tasks = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i += 100) {
            List<ChunkLocation> group = chunks.subList(i, Math.min(chunks.size(), i + 100));
            tasks.add(
                    () -> {
                        Query q = Query.create(TableId.of(group.get(0).tableName())).filter(cell);
                        group.forEach(l -> q.rowKey(l.key()));
                        long n = 0;
                        long b = 0;
                        for (Row row : data.readRows(q)) {
                            for (RowCell c : row.getCells()) {
                                n++;
                                b += c.getValue().toByteArray().length;
                            }
                        }
                        return new Tally(n, b);
                    });
        }
        return RawLocal.sum(RawLocal.invokeAll(chunkPool, tasks));
    }

    @Override
    public void resetTable(String table) {
        resetTable.accept(table);
    }

    @Override
    public boolean sharesOurIndex() {
        return true;
    }

    @Override
    public void close() {
        queryPool.shutdownNow();
        chunkPool.shutdownNow();
        data.close();
    }
}
