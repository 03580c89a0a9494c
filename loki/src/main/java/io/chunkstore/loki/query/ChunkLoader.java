package io.chunkstore.loki.query;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.core.store.QueryMatchers;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ReadOptions;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Fetches a batch of chunks, split into {@code fetchParallelism} concurrent fetches, and decodes
 * them (the MemChunk's header, metas and block checksums; blocks are decompressed later, when
 * iterated). Chunks whose labels do not match every matcher are dropped; chunks that are missing or
 * do not verify fail the query, or are skipped and reported.
 */
final class ChunkLoader {
    /** A loaded batch: the chunks by key, and the errors to report on the consumer's thread. */
    record Loaded(Map<String, OpenChunk> chunks, List<Failure> failures) {}

    record Failure(String key, int block, StorageException error) {}

    private final LogChunkSource source;
    private final Executor executor;
    private final int parallelism;
    private final List<LabelMatcher> matchers;
    private final QueryContext ctx;

    ChunkLoader(
            LogChunkSource source,
            Executor executor,
            int parallelism,
            List<LabelMatcher> matchers,
            QueryContext ctx) {
        this.source = source;
        this.executor = executor;
        this.parallelism = parallelism;
        this.matchers = matchers;
        this.ctx = ctx;
    }

    /** Starts fetching; the future completes with every group's chunks. */
    CompletableFuture<Loaded> start(List<LogChunkRef> refs) {
        if (refs.isEmpty()) {
            return CompletableFuture.completedFuture(new Loaded(Map.of(), List.of()));
        }
        int groups = Math.min(parallelism, refs.size());
        int per = (refs.size() + groups - 1) / groups;
        List<CompletableFuture<Loaded>> parts = new ArrayList<>();
        for (int i = 0; i < refs.size(); i += per) {
            List<LogChunkRef> group = List.copyOf(refs.subList(i, Math.min(refs.size(), i + per)));
            parts.add(CompletableFuture.supplyAsync(() -> fetchGroup(group), executor));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(
                        v -> {
                            Map<String, OpenChunk> chunks = new HashMap<>();
                            List<Failure> failures = new ArrayList<>();
                            for (CompletableFuture<Loaded> p : parts) {
                                Loaded l = p.join();
                                chunks.putAll(l.chunks);
                                failures.addAll(l.failures);
                            }
                            return new Loaded(chunks, failures);
                        });
    }

    /**
     * Waits for a load, reports its failures (throwing the first unless skipping) and returns its
     * chunks.
     */
    Map<String, OpenChunk> await(CompletableFuture<Loaded> f) {
        Loaded l;
        try {
            l = f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
        for (Failure failure : l.failures) {
            ctx.skipOrThrow(failure.key, failure.block, failure.error);
        }
        return l.chunks;
    }

    private Loaded fetchGroup(List<LogChunkRef> group) {
        long t0 = System.nanoTime();
        FetchedChunks fetched = source.fetch(group);
        ctx.stats.downloadNanos.addAndGet(System.nanoTime() - t0);
        Map<String, OpenChunk> out = new HashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (LogChunkRef ref : group) {
            String key = ref.externalKey();
            StorageException failed = fetched.failures().get(key);
            Chunk chunk = fetched.chunk(key);
            if (failed != null || chunk == null) {
                failures.add(
                        new Failure(
                                key,
                                -1,
                                failed != null
                                        ? failed
                                        : new StorageException(
                                                "chunk "
                                                        + key
                                                        + " was not returned by the store's fetch")));
                continue;
            }
            ctx.stats.chunksDownloaded.incrementAndGet();
            ctx.stats.compressedBytes.addAndGet(chunk.data().length);
            ReadOptions opts = ReadOptions.named(key);
            if (ctx.skipCorrupt()) {
                opts =
                        opts.skippingCorruptBlocks(
                                b -> failures.add(new Failure(key, b.blockIndex(), b.error())));
            }
            LokiChunk lc;
            try {
                lc = LokiChunk.of(chunk, key, opts);
            } catch (InvalidChunkException e) {
                // The whole chunk is unreadable (a LokiChunkException names the block, if one is at
                // fault).
                failures.add(new Failure(key, -1, e));
                continue;
            }
            if (QueryMatchers.matchesAll(lc.labels(), matchers)) {
                out.put(key, new OpenChunk(ref, lc, LogStream.of(lc.labels())));
            }
        }
        return new Loaded(out, failures);
    }
}
