package io.chunkstore.core.migrate;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.MetadataStyle;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.migrate.MigrationFailure.Phase;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.NotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.spi.support.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The migration engine: runs a {@link MigrationPlan} from a {@link MigrationSource} to a {@link
 * MigrationDestination}.
 *
 * <p>For each shard (a tenant over a time slice), in parallel up to {@link
 * MigrationPlan#parallel()}:
 *
 * <ol>
 *   <li>list the chunk refs of every lookup of the plan from the source index (one {@code
 *       chunkRefs} per metric name), keep those the shard owns (whose {@code from} falls in it),
 *       sorted by source key;
 *   <li>fetch them in batches of {@link MigrationPlan#batchSize()}, verified against their keys,
 *       and drop those whose labels fail the plan's matchers;
 *   <li>convert each: a chunk keeping its tenant keeps its stored bytes, under the destination's
 *       key form (the same key when the forms agree: {@link Kind#VERBATIM}; else {@link
 *       Kind#REKEYED}, e.g. v11 to v12); a chunk moving to another tenant is re-encoded with the
 *       new tenant in its metadata, so it gets a new checksum and key ({@link Kind#REENCODED}; its
 *       payload, Prometheus samples or a Loki MemChunk, is carried as is, since neither holds the
 *       tenant, and the fingerprint depends on the labels alone);
 *   <li>write the batch (chunks, then their index entries under the destination's schema), and with
 *       {@link MigrationPlan#verify()} read every chunk back, compare it, and find it through the
 *       destination index;
 *   <li>record progress in the {@link Checkpoint} (the last key written; the whole shard when
 *       done).
 * </ol>
 *
 * <p>Failures: a chunk that is missing from the source or does not verify (a corrupt chunk), or
 * that the destination refuses ({@link InvalidRequestException}, {@link InvalidChunkException}), is
 * a failure of that chunk, recorded, and the shard goes on. Retryable errors are retried with
 * back-off; when retries run out, or for other errors, the shard is abandoned: the chunks of the
 * failed batch are listed as failed and the shard stays unfinished, its recorded progress ending
 * before that batch, for the next run to redo from there. Nothing is dropped silently; {@link
 * MigrationSummary#failures()} lists it all.
 *
 * <p>{@link #stop()} (e.g. on Ctrl-C) lets each running shard finish its current batch, saves the
 * checkpoint and makes {@link #run()} return. A run can also be killed outright: the checkpoint on
 * disk is always whole, and what it does not record yet is redone by the next run, harmlessly.
 */
public final class Migrator {
    /** How a chunk is carried over. */
    public enum Kind {
        /** Same tenant, same key form: the stored bytes under the same key. */
        VERBATIM,
        /**
         * Same tenant, another key form (v12 or not, or a legacy chunk given its checksum): same
         * bytes, new key.
         */
        REKEYED,
        /** Another tenant: re-encoded metadata, new checksum, new key; the same payload. */
        REENCODED
    }

    private final MigrationSource source;
    private final MigrationDestination dest;
    private final MigrationPlan plan;
    private Checkpoint checkpoint;
    private MigrationListener listener = new MigrationListener() {};
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean limitReached = new AtomicBoolean();

    public Migrator(MigrationSource source, MigrationDestination destination, MigrationPlan plan) {
        this.source = Objects.requireNonNull(source, "source");
        this.dest = Objects.requireNonNull(destination, "destination");
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    /**
     * Resume from and record progress in this checkpoint (an in-memory one by default).
     *
     * @throws IllegalArgumentException when the checkpoint was opened for another run
     */
    public Migrator checkpoint(Checkpoint c) {
        Objects.requireNonNull(c, "checkpoint");
        List<String> diffs = c.identity().differences(plan.identity());
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException(
                    "the checkpoint was opened for another run: " + diffs);
        }
        this.checkpoint = c;
        return this;
    }

    public Migrator listener(MigrationListener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        return this;
    }

    /**
     * Asks the run to stop after the running batches; {@link #run()} then returns with progress
     * saved.
     */
    public void stop() {
        stop.set(true);
    }

    /** What one run of a shard produced. */
    private record ShardRun(ShardStats stats, boolean done) {}

    /** A chunk ready to be written. */
    private record Prepared(
            IndexedChunk source,
            Chunk sourceChunk,
            ChunkCodec.Encoded out,
            String destKey,
            Kind kind) {}

    /**
     * Thrown inside a shard when it must be abandoned (retries ran out, or an error that is not the
     * chunk's).
     */
    private static final class AbandonShard extends RuntimeException {
        AbandonShard() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs the plan (or what the checkpoint says is left of it).
     *
     * @return the summary over every shard of the plan
     * @throws InvalidRequestException when the range starts before the destination's first period
     * @throws StorageException when the checkpoint cannot be written (the run stops)
     */
    public MigrationSummary run() {
        long started = System.nanoTime();
        if (checkpoint == null) {
            checkpoint = Checkpoint.inMemory(plan.identity());
        }
        if (plan.dryRun()) {
            checkpoint.readOnly();
        }
        long destStart = dest.schemaConfig().periods().get(0).fromMs();
        if (plan.from() < destStart) {
            throw new InvalidRequestException(
                    "--from "
                            + Instant.ofEpochMilli(plan.from())
                            + " is before the"
                            + " destination's first schema period ("
                            + dest.schemaConfig().periods().get(0).from()
                            + "): chunks there would have no index period or chunk table; add an earlier period to the"
                            + " destination's schema config or start later");
        }
        List<Shard> all = plan.allShards();
        List<Shard> pending = all.stream().filter(s -> !checkpoint.isDone(s.id())).toList();
        int resumed = all.size() - pending.size();
        listener.started(all.size(), resumed);

        Map<String, ShardStats> unfinished = new LinkedHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger claimed = new AtomicInteger();
        int workers = Math.max(1, Math.min(plan.parallel(), pending.size()));
        ExecutorService pool =
                Executors.newFixedThreadPool(workers, DaemonThreads.named("migrate"));
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(
                    pool.submit(
                            () -> {
                                try {
                                    work(pending, next, claimed, unfinished);
                                } catch (RuntimeException | Error e) {
                                    stop.set(true); // the other workers end after their current
                                    // batch
                                    throw e;
                                }
                            }));
        }
        pool.shutdown();
        boolean interrupted = false;
        try {
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        stop.set(true);
                    }
                }
            }
        } catch (ExecutionException e) {
            stop.set(true);
            awaitQuietly(pool);
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StorageException("migration worker failed: " + cause, cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        checkpoint.flush();
        return summary(all, resumed, unfinished, started);
    }

    /**
     * One worker: takes pending shards in order until none is left, the run stops or the shard
     * limit is hit.
     */
    private void work(
            List<Shard> pending,
            AtomicInteger next,
            AtomicInteger claimed,
            Map<String, ShardStats> unfinished) {
        while (!stop.get()) {
            if (plan.maxShards() > 0 && claimed.incrementAndGet() > plan.maxShards()) {
                if (next.get() < pending.size()) {
                    limitReached.set(true);
                }
                return;
            }
            int i = next.getAndIncrement();
            if (i >= pending.size()) {
                return;
            }
            Shard s = pending.get(i);
            ShardRun r = runShard(s);
            if (!r.done) {
                synchronized (unfinished) {
                    unfinished.put(s.id(), r.stats);
                }
            }
            listener.shardEnded(s, r.done);
        }
    }

    private MigrationSummary summary(
            List<Shard> all, int resumed, Map<String, ShardStats> unfinished, long started) {
        ShardStats total = new ShardStats();
        int done = 0;
        for (Shard s : all) {
            if (checkpoint.isDone(s.id())) {
                done++;
                total.add(checkpoint.stats(s.id()));
            } else if (unfinished.containsKey(s.id())) {
                total.add(unfinished.get(s.id()));
            }
        }
        boolean stopped = done < all.size() && (stop.get() || limitReached.get());
        return new MigrationSummary(
                all.size(),
                done,
                resumed,
                total.found,
                total.copied,
                total.bytes,
                total.verbatim,
                total.rekeyed,
                total.reencoded,
                total.skipped,
                total.filtered,
                total.verified,
                total.failures,
                Duration.ofNanos(System.nanoTime() - started),
                plan.dryRun(),
                stopped);
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- one shard

    private ShardRun runShard(Shard shard) {
        String id = shard.id();
        String after = checkpoint.resumeAfter(id);
        ShardStats st = checkpoint.stats(id);
        List<IndexedChunk> todo;
        try {
            todo = list(shard, st, after);
        } catch (AbandonShard e) {
            return new ShardRun(st, false);
        }
        listener.shardListed(shard, todo.size());
        if (plan.dryRun()) {
            dryRun(shard, todo, st);
            checkpoint.done(id, st); // in memory only: a dry run's checkpoint is read-only
            return new ShardRun(st, true);
        }
        boolean tainted = false;
        try {
            for (int i = 0; i < todo.size(); i += plan.batchSize()) {
                if (stop.get()) {
                    checkpoint.flush();
                    return new ShardRun(st, false);
                }
                List<IndexedChunk> batch =
                        todo.subList(i, Math.min(todo.size(), i + plan.batchSize()));
                long copiedBefore = st.copied;
                long bytesBefore = st.bytes;
                tainted |= migrateBatch(shard, batch, st);
                if (!tainted) {
                    checkpoint.progress(id, batch.get(batch.size() - 1).externalKey(), st);
                }
                listener.batchWritten(
                        shard, (int) (st.copied - copiedBefore), st.bytes - bytesBefore);
            }
        } catch (AbandonShard e) {
            tainted = true;
        }
        if (tainted) {
            // Progress stopped advancing at the first batch that failed, so the next run resumes
            // before it.
            checkpoint.flush();
            return new ShardRun(st, false);
        }
        checkpoint.done(id, st);
        return new ShardRun(st, true);
    }

    /**
     * The chunks of a shard still to copy: the union of every lookup's refs, those the shard owns,
     * after {@code after} (a resumed shard), in source-key order. Counts found and skipped for a
     * fresh shard.
     */
    private List<IndexedChunk> list(Shard shard, ShardStats st, String after) {
        TreeMap<String, IndexedChunk> owned = new TreeMap<>();
        Set<String> others = new HashSet<>();
        for (List<LabelMatcher> lookup : plan.lookups()) {
            List<IndexedChunk> refs;
            try {
                refs =
                        withRetry(
                                () ->
                                        source.chunkRefs(
                                                shard.sourceTenant(),
                                                shard.from(),
                                                shard.through(),
                                                lookup));
            } catch (RuntimeException e) {
                fail(
                        st,
                        shard,
                        null,
                        null,
                        Phase.LOOKUP,
                        "listing "
                                + lookup
                                + " in "
                                + shard
                                + ": "
                                + describe(e)
                                + "; the shard is left for the next run");
                throw new AbandonShard();
            }
            for (IndexedChunk r : refs) {
                if (shard.owns(r.from())) {
                    owned.putIfAbsent(r.externalKey(), r);
                } else {
                    others.add(r.externalKey());
                }
            }
        }
        if (after == null) {
            st.found += owned.size();
            st.skipped += others.size();
            return new ArrayList<>(owned.values());
        }
        return new ArrayList<>(owned.tailMap(after, false).values());
    }

    private void dryRun(Shard shard, List<IndexedChunk> todo, ShardStats st) {
        long destStart = dest.schemaConfig().periods().get(0).fromMs();
        for (IndexedChunk r : todo) {
            if (r.from() < destStart) {
                fail(st, shard, r.externalKey(), null, Phase.CONVERT, beforeDestination(r.from()));
                continue;
            }
            switch (predictKind(r, shard.destTenant())) {
                case VERBATIM -> st.verbatim++;
                case REKEYED -> st.rekeyed++;
                case REENCODED -> st.reencoded++;
            }
        }
    }

    /** The kind a chunk will be migrated as, from its key alone (for dry runs). */
    private Kind predictKind(IndexedChunk r, String destTenant) {
        ChunkRef ref = r.ref();
        if (!destTenant.equals(ref.userId())) {
            return Kind.REENCODED;
        }
        boolean v12 = dest.schemaConfig().isV12OrLater(ref.from());
        if (!ref.checksumSet() && v12) {
            return Kind.REKEYED;
        }
        return ref.externalKey(v12 ? KeyFormat.V12 : KeyFormat.CURRENT).equals(r.externalKey())
                ? Kind.VERBATIM
                : Kind.REKEYED;
    }

    /**
     * Fetches, converts, writes and verifies one batch; true when the shard must be redone by a
     * later run.
     */
    private boolean migrateBatch(Shard shard, List<IndexedChunk> batch, ShardStats st) {
        Map<String, ChunkCodec.Encoded> fetched = fetch(shard, batch, st);
        List<Prepared> prepared = new ArrayList<>(fetched.size());
        for (IndexedChunk r : batch) {
            ChunkCodec.Encoded e = fetched.get(r.externalKey());
            if (e == null) {
                continue;
            }
            if (!plan.selects(e.chunk().labels())) {
                st.filtered++;
                continue;
            }
            try {
                prepared.add(convert(r, e, shard.destTenant()));
            } catch (RuntimeException ex) {
                fail(st, shard, r.externalKey(), null, Phase.CONVERT, describe(ex));
            }
        }
        if (prepared.isEmpty()) {
            return false;
        }
        List<Prepared> written = write(shard, prepared, st);
        for (Prepared p : written) {
            st.copied++;
            st.bytes += p.out.bytes().length;
            switch (p.kind) {
                case VERBATIM -> st.verbatim++;
                case REKEYED -> st.rekeyed++;
                case REENCODED -> st.reencoded++;
            }
        }
        // Chunks missing from written were refused for their own sake (recorded); anything else
        // abandoned the shard.
        return plan.verify() && !written.isEmpty() && verify(shard, written, st);
    }

    private static final String REFUSED = "refused by the destination: ";

    // ---- fetch

    /**
     * The batch's chunks that could be read and verified. Missing and corrupt chunks are recorded
     * as failed; retryable errors are retried; when retries run out the shard is abandoned.
     */
    private Map<String, ChunkCodec.Encoded> fetch(
            Shard shard, List<IndexedChunk> batch, ShardStats st) {
        Map<String, ChunkCodec.Encoded> out = new LinkedHashMap<>();
        Map<String, IndexedChunk> byKey = new LinkedHashMap<>();
        batch.forEach(r -> byKey.put(r.externalKey(), r));
        List<IndexedChunk> left = new ArrayList<>(batch);
        Backoff backoff = new Backoff(plan.retry());
        while (true) {
            Map<String, StorageException> retryable = new LinkedHashMap<>();
            try {
                List<ChunkCodec.Encoded> got = source.fetchEncoded(left);
                if (got.size() != left.size()) {
                    throw new IllegalStateException(
                            "the source returned "
                                    + got.size()
                                    + " chunks for "
                                    + left.size()
                                    + " refs");
                }
                for (int i = 0; i < got.size(); i++) {
                    out.put(left.get(i).externalKey(), got.get(i));
                }
                return out;
            } catch (ChunkFetchException e) {
                for (EncodedChunk c : e.fetched()) {
                    IndexedChunk r = byKey.get(c.key());
                    if (r != null) {
                        try {
                            out.put(
                                    c.key(),
                                    new ChunkCodec.Encoded(
                                            ChunkCodec.decode(r.ref(), c.encoded()), c.encoded()));
                        } catch (InvalidChunkException ex) {
                            fail(st, shard, c.key(), null, Phase.FETCH, describe(ex));
                        }
                    }
                }
                e.failures()
                        .forEach(
                                (k, ex) -> {
                                    if (ex instanceof InvalidChunkException
                                            || ex instanceof ChunkNotFoundException
                                            || !ex.isRetryable()) {
                                        fail(st, shard, k, null, Phase.FETCH, describe(ex));
                                    } else {
                                        retryable.put(k, ex);
                                    }
                                });
            } catch (StorageException e) {
                if (!e.isRetryable()) {
                    abandon(st, shard, left, Phase.FETCH, e);
                }
                left.forEach(r -> retryable.put(r.externalKey(), e));
            }
            if (retryable.isEmpty()) {
                return out;
            }
            left = retryable.keySet().stream().map(byKey::get).toList();
            if (!backoff.ongoing() || stop.get()) {
                abandon(st, shard, left, Phase.FETCH, retryable.values().iterator().next());
            }
            sleep(backoff);
        }
    }

    // ---- convert

    private Prepared convert(IndexedChunk r, ChunkCodec.Encoded e, String destTenant) {
        Chunk c = e.chunk();
        if (c.from() < dest.schemaConfig().periods().get(0).fromMs()) {
            throw new InvalidRequestException(beforeDestination(c.from()));
        }
        if (destTenant.equals(c.userId())) {
            Chunk keyed = c;
            if (!keyed.checksumSet() && dest.schemaConfig().isV12OrLater(c.from())) {
                // A legacy (pre-checksum) chunk gets the checksum of its stored bytes: v12 keys
                // need one, and the
                // bytes then verify under the new key as they are.
                keyed = keyed.withChecksum(ChunkCodec.checksum(e.bytes()));
            }
            String key = dest.externalKey(keyed);
            return new Prepared(
                    r,
                    c,
                    new ChunkCodec.Encoded(keyed, e.bytes()),
                    key,
                    key.equals(r.externalKey()) ? Kind.VERBATIM : Kind.REKEYED);
        }
        Chunk renamed =
                Chunk.of(
                        destTenant,
                        c.fingerprint(),
                        c.labels(),
                        c.from(),
                        c.through(),
                        c.encoding(),
                        c.data());
        // Loki writes its envelope metadata with Go's encoding/json conventions, Cortex with
        // jsoniter's.
        ChunkCodec.Encoded out =
                ChunkCodec.encode(
                        renamed,
                        c.encoding().isLogs()
                                ? MetadataStyle.GO_ENCODING_JSON
                                : MetadataStyle.JSONITER);
        return new Prepared(r, c, out, dest.externalKey(out.chunk()), Kind.REENCODED);
    }

    private String beforeDestination(long from) {
        SchemaConfig s = dest.schemaConfig();
        return "the chunk starts at "
                + Instant.ofEpochMilli(from)
                + ", before the destination's first schema"
                + " period ("
                + s.periods().get(0).from()
                + "), so it has no chunk table or index period there";
    }

    // ---- write

    /**
     * Writes the prepared chunks (creating missing tables first when the destination does),
     * retrying retryable errors. When the destination refuses the batch for a chunk's sake, each
     * chunk is written alone to find which; those are recorded as failed. Other errors abandon the
     * shard.
     */
    private List<Prepared> write(Shard shard, List<Prepared> batch, ShardStats st) {
        try {
            put(batch);
            return batch;
        } catch (InvalidRequestException | InvalidChunkException e) {
            if (batch.size() == 1) {
                fail(
                        st,
                        shard,
                        batch.get(0).source.externalKey(),
                        batch.get(0).destKey,
                        Phase.WRITE,
                        REFUSED + describe(e));
                return List.of();
            }
        } catch (NotFoundException e) {
            abandon(
                    st,
                    shard,
                    batch.stream().map(p -> p.source).toList(),
                    Phase.WRITE,
                    new StorageException(
                            describe(e)
                                    + "; create the destination's tables (chunkstore tables sync --config DEST) or"
                                    + " rerun with --create-tables",
                            e));
        } catch (RuntimeException e) {
            abandon(st, shard, batch.stream().map(p -> p.source).toList(), Phase.WRITE, e);
        }
        List<Prepared> ok = new ArrayList<>();
        for (Prepared p : batch) {
            ok.addAll(write(shard, List.of(p), st));
        }
        return ok;
    }

    private void put(List<Prepared> batch) {
        List<ChunkCodec.Encoded> chunks = batch.stream().map(Prepared::out).toList();
        withRetry(
                () -> {
                    dest.ensureTables(chunks);
                    dest.put(chunks);
                    return null;
                });
    }

    // ---- verify

    /**
     * Reads each written chunk back from the destination and compares it (bytes; for re-encoded
     * chunks also the decoded metadata and payload against the source chunk), then finds each
     * through the destination index (its series' chunk refs over its range must hold its key). True
     * when something failed (the shard is then redone).
     */
    private boolean verify(Shard shard, List<Prepared> written, ShardStats st) {
        SchemaConfig ds = dest.schemaConfig();
        List<IndexedChunk> refs = new ArrayList<>(written.size());
        Map<String, Prepared> byDestKey = new LinkedHashMap<>();
        for (Prepared p : written) {
            if (byDestKey.putIfAbsent(p.destKey, p) == null) {
                long from = p.out.chunk().from();
                refs.add(
                        new IndexedChunk(
                                p.destKey,
                                ChunkRef.parse(p.destKey),
                                ds.chunkTableFor(from),
                                ds.periodFor(from)));
            }
        }
        Map<String, ChunkCodec.Encoded> read = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        try {
            List<ChunkCodec.Encoded> got = withRetry(() -> dest.fetchEncoded(refs));
            if (got.size() != refs.size()) {
                throw new IllegalStateException(
                        "the destination returned "
                                + got.size()
                                + " chunks for "
                                + refs.size()
                                + " keys");
            }
            for (int i = 0; i < got.size(); i++) {
                read.put(refs.get(i).externalKey(), got.get(i));
            }
        } catch (ChunkFetchException e) {
            for (EncodedChunk c : e.fetched()) {
                Prepared p = byDestKey.get(c.key());
                if (p != null) {
                    try {
                        read.put(
                                c.key(),
                                new ChunkCodec.Encoded(
                                        ChunkCodec.decode(ChunkRef.parse(c.key()), c.encoded()),
                                        c.encoded()));
                    } catch (InvalidChunkException ex) {
                        problems.put(c.key(), "read back: " + describe(ex));
                    }
                }
            }
            e.failures().forEach((k, ex) -> problems.put(k, "read back: " + describe(ex)));
        } catch (RuntimeException e) {
            written.forEach(p -> problems.putIfAbsent(p.destKey, "read back: " + describe(e)));
        }
        for (Prepared p : written) {
            ChunkCodec.Encoded r = read.get(p.destKey);
            if (r == null) {
                problems.putIfAbsent(p.destKey, "read back: the destination returned nothing");
                continue;
            }
            String diff = compare(p, r);
            if (diff != null) {
                problems.put(p.destKey, "read back: " + diff);
            }
        }
        // Find each chunk through the destination index, one lookup per series.
        Map<Labels, List<Prepared>> bySeries = new LinkedHashMap<>();
        for (Prepared p : written) {
            if (!problems.containsKey(p.destKey)) {
                bySeries.computeIfAbsent(p.out.chunk().labels(), l -> new ArrayList<>()).add(p);
            }
        }
        bySeries.forEach(
                (labels, chunks) -> {
                    long from =
                            chunks.stream()
                                    .mapToLong(p -> p.out.chunk().from())
                                    .min()
                                    .orElseThrow();
                    long through =
                            chunks.stream()
                                    .mapToLong(p -> p.out.chunk().through())
                                    .max()
                                    .orElseThrow();
                    List<LabelMatcher> matchers = new ArrayList<>();
                    for (Label l : labels) {
                        matchers.add(LabelMatcher.equal(l.name(), l.value()));
                    }
                    Set<String> keys = new HashSet<>();
                    try {
                        withRetry(() -> dest.chunkRefs(shard.destTenant(), from, through, matchers))
                                .forEach(c -> keys.add(c.externalKey()));
                    } catch (RuntimeException e) {
                        chunks.forEach(
                                p ->
                                        problems.put(
                                                p.destKey,
                                                "index lookup of " + labels + ": " + describe(e)));
                        return;
                    }
                    for (Prepared p : chunks) {
                        if (!keys.contains(p.destKey)) {
                            problems.put(
                                    p.destKey,
                                    "not found through the destination index: the chunk refs of "
                                            + labels
                                            + " for tenant "
                                            + shard.destTenant()
                                            + " over ["
                                            + from
                                            + ", "
                                            + through
                                            + "] lack it");
                        }
                    }
                });
        for (Prepared p : written) {
            String problem = problems.get(p.destKey);
            if (problem == null) {
                st.verified++;
            } else {
                fail(st, shard, p.source.externalKey(), p.destKey, Phase.VERIFY, problem);
            }
        }
        return !problems.isEmpty();
    }

    /** Null when the chunk read back is what was written; else what differs. */
    private static String compare(Prepared p, ChunkCodec.Encoded read) {
        if (!Arrays.equals(read.bytes(), p.out.bytes())) {
            return "its "
                    + read.bytes().length
                    + " bytes differ from the "
                    + p.out.bytes().length
                    + " written";
        }
        if (p.kind != Kind.REENCODED) {
            return null;
        }
        Chunk got = read.chunk();
        Chunk want = p.sourceChunk;
        List<String> diffs = new ArrayList<>();
        if (!got.userId().equals(p.out.chunk().userId())) {
            diffs.add("tenant " + got.userId());
        }
        if (got.fingerprint() != want.fingerprint()) {
            diffs.add("fingerprint " + Long.toHexString(got.fingerprint()));
        }
        if (got.from() != want.from() || got.through() != want.through()) {
            diffs.add("range [" + got.from() + ", " + got.through() + "]");
        }
        if (!got.labels().equals(want.labels())) {
            diffs.add("labels " + got.labels());
        }
        if (got.encoding() != want.encoding()) {
            diffs.add("encoding " + got.encoding());
        }
        if (!Arrays.equals(got.data(), want.data())) {
            diffs.add("data (" + got.data().length + " bytes)");
        }
        return diffs.isEmpty()
                ? null
                : "decoded " + String.join(", ", diffs) + " differ from the source chunk";
    }

    // ---- helpers

    private <T> T withRetry(Supplier<T> call) {
        Backoff backoff = new Backoff(plan.retry());
        while (true) {
            try {
                return call.get();
            } catch (StorageException e) {
                if (!e.isRetryable() || !backoff.ongoing() || stop.get()) {
                    throw e;
                }
                sleep(backoff);
            }
        }
    }

    private static void sleep(Backoff backoff) {
        try {
            backoff.waitBeforeRetry();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to retry", e);
        }
    }

    private void abandon(
            ShardStats st,
            Shard shard,
            List<IndexedChunk> chunks,
            Phase phase,
            RuntimeException e) {
        for (IndexedChunk r : chunks) {
            fail(
                    st,
                    shard,
                    r.externalKey(),
                    null,
                    phase,
                    describe(e) + "; the shard is left for the next run");
        }
        throw new AbandonShard();
    }

    private void fail(
            ShardStats st,
            Shard shard,
            String sourceKey,
            String destKey,
            Phase phase,
            String reason) {
        MigrationFailure f = new MigrationFailure(shard.id(), sourceKey, destKey, phase, reason);
        st.failures.add(f);
        listener.failed(f);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }
}
