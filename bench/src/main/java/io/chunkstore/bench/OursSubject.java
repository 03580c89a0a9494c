package io.chunkstore.bench;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Our side: a {@link StorageBackend}'s clients exactly as an application calls them (in-process or
 * over gRPC).
 */
public final class OursSubject implements Subject {
    private final String label;
    private final StorageBackend backend;
    private final IndexClient index;
    private final ChunkClient chunks;
    private final TableClient tables;
    private final boolean closeBackend;

    /**
     * @param tables the table client to reset tables with (the gRPC side passes the in-process one,
     *     so table DDL never goes through the plugin protocol)
     * @param closeBackend whether {@link #close()} closes the backend
     */
    public OursSubject(
            String label, StorageBackend backend, TableClient tables, boolean closeBackend) {
        this.label = label;
        this.backend = backend;
        this.index = backend.indexClient();
        this.chunks = backend.chunkClient();
        this.tables = tables;
        this.closeBackend = closeBackend;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void writeIndex(List<IndexEntry> batch) {
        WriteBatch b = index.newWriteBatch();
        for (IndexEntry e : batch) {
            b.add(e);
        }
        index.batchWrite(b);
    }

    @Override
    public Tally query(List<IndexQuery> queries) {
        LongAdder entries = new LongAdder();
        LongAdder bytes = new LongAdder();
        // The asynchronous path, as the series store reads: the counting consumer never blocks, so
        // pages are counted on the threads that deliver them (as the raw baselines count).
        index.queryPagesAsync(
                        queries,
                        (q, page) -> {
                            long n = 0;
                            long b = 0;
                            ReadBatch.ReadBatchIterator it = page.iterator();
                            while (it.next()) {
                                n++;
                                b += it.rangeValue().length + it.value().length;
                            }
                            entries.add(n);
                            bytes.add(b);
                            return AsyncPageConsumer.MORE;
                        })
                .toCompletableFuture()
                .join();
        return new Tally(entries.sum(), bytes.sum());
    }

    /**
     * Through {@link IndexClient#queryPagesAsync}, one call per query, as the Go client opens one
     * stream per query: {@code inFlight} chains, each starting its next query when one ends (in a
     * loop when the query ended before its call returned, so inline completions never recurse).
     */
    @Override
    public Tally parallelQueries(List<IndexQuery> queries, int inFlight, LongAdder entries) {
        int n = queries.size();
        long[] latency = new long[n];
        LongAdder bytes = new LongAdder();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        if (n == 0) {
            return Tally.ZERO;
        }
        AsyncPageConsumer consumer =
                (q, page) -> {
                    long e = 0;
                    long b = 0;
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    while (it.next()) {
                        e++;
                        b += it.rangeValue().length + it.value().length;
                    }
                    entries.add(e);
                    bytes.add(b);
                    return AsyncPageConsumer.MORE;
                };
        Runnable[] chain = new Runnable[1];
        chain[0] =
                () -> {
                    while (!all.isDone()) {
                        int i = next.getAndIncrement();
                        if (i >= n) {
                            return;
                        }
                        long t0 = System.nanoTime();
                        CompletableFuture<Void> f;
                        try {
                            f =
                                    index.queryPagesAsync(List.of(queries.get(i)), consumer)
                                            .toCompletableFuture();
                        } catch (RuntimeException e) {
                            f = CompletableFuture.failedFuture(e);
                        }
                        BiConsumer<Void, Throwable> end =
                                (v, error) -> {
                                    latency[i] = System.nanoTime() - t0;
                                    if (error != null) {
                                        all.completeExceptionally(error);
                                    } else if (ended.incrementAndGet() == n) {
                                        all.complete(null);
                                    }
                                };
                        if (f.isDone()) {
                            f.whenComplete(end);
                            continue;
                        }
                        f.whenComplete(
                                (v, error) -> {
                                    end.accept(v, error);
                                    chain[0].run();
                                });
                        return;
                    }
                };
        for (int k = 0; k < Math.min(inFlight, n); k++) {
            chain[0].run();
        }
        all.join();
        return new Tally(n, bytes.sum(), latency);
    }

    @Override
    public void putChunks(List<EncodedChunk> list) {
        chunks.putChunks(list);
    }

    @Override
    public Tally getChunks(List<ChunkLocation> list) {
        long bytes = 0;
        List<EncodedChunk> got = chunks.getChunks(list);
        for (EncodedChunk c : got) {
            bytes += c.encoded().length;
        }
        return new Tally(got.size(), bytes);
    }

    @Override
    public void resetTable(String table) {
        tables.deleteTable(table);
        tables.createTable(TableDesc.named(table));
    }

    @Override
    public boolean sharesOurIndex() {
        return true;
    }

    @Override
    public void close() {
        if (closeBackend) {
            backend.close();
        }
    }
}
