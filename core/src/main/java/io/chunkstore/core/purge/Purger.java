package io.chunkstore.core.purge;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.Bucket;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.LabelValueLookup;
import io.chunkstore.core.schema.LabelWriteEntries;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.FetchedChunks;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.core.store.QueryMatchers;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Deletes data from a chunk store, every schema period included (the engine of {@code chunkstore
 * delete}).
 *
 * <p>{@link #deleteSeries}: the series matching a selector are found through the store's index, as
 * a query finds them, and their chunks overlapping the range are read (the labels, from which every
 * index entry is computed, live in the chunk). A chunk wholly inside the range is removed; one that
 * straddles a bound is rewritten without the deleted samples (a new chunk with its own key and
 * index entries, written before the old one is removed; a log chunk by the {@link LogChunkRewriter}
 * the builder was given) or, with {@code wholeChunks}, kept and listed. Removing a chunk deletes
 * exactly the entries its write produced, recomputed by the period's {@link IndexSchema} for each
 * period its range touches, as the store's write path computes them: every entry for v1-v6; for v9+
 * its chunk entries, and a bucket's label entries (series row, label rows) only once no chunk of
 * the series remains in that bucket, and the v11+ label-names row only once none remains in its
 * whole table.
 *
 * <p>Order: a rewritten chunk and its entries are written first; then the chunks about to go are
 * recorded in the checkpoint, their index entries deleted, and only then the chunk objects, so a
 * query never meets an index entry whose chunk is missing. Every step is an idempotent overwrite or
 * delete; a run that stops is resumed by running it again (with the same checkpoint, which finishes
 * the chunks whose entries were already gone). A dry run reads only and reports the same counts.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class Purger {
    private final CompositeStore store;
    private final SchemaConfig schemaConfig;
    private final Map<PeriodConfig, IndexSchema> schemas = new LinkedHashMap<>();
    private final boolean dryRun;
    private final PurgeCheckpoint checkpoint;
    private final Clock clock;
    private final LogChunkRewriter logRewriter;

    /** Shared rows whose removal waits for the end of this run (deduplicated there). */
    private final List<PurgeCheckpoint.SharedRow> sharedRows = new ArrayList<>();

    private Purger(Builder b) {
        this.store = b.store;
        this.schemaConfig = store.schemaConfig();
        for (PeriodConfig p : schemaConfig.periods()) {
            schemas.put(
                    p,
                    IndexSchemas.forPeriod(
                            p, LabelValueLookup.forPeriod(p, schemaConfig.dialect())));
        }
        this.dryRun = b.dryRun;
        this.checkpoint = b.checkpoint != null ? b.checkpoint : PurgeCheckpoint.inMemory(Map.of());
        this.clock = b.clock;
        this.logRewriter = b.logRewriter;
    }

    /**
     * A purger over a store with no chunk cache (a cached chunk would skip a rewrite's write), such
     * as {@code ConfigStores.unlimited()}.
     */
    public static Builder builder(CompositeStore store) {
        return new Builder(store);
    }

    // ---- delete series

    /** One chunk to remove, with its decoded labels. */
    private record Removal(IndexedChunk ref, Chunk chunk) {}

    /**
     * Deletes the samples of the request's series in its range: see the class comment.
     *
     * @return the counts of this run and of the earlier runs recorded in the checkpoint, with this
     *     run's failures
     */
    public PurgeSummary deleteSeries(PurgeRequest r) {
        long started = System.nanoTime();
        Tally t = dryRun ? new Tally() : checkpoint.tally();
        resumePending(r.tenant(), t);
        List<IndexedChunk> refs =
                store.chunkRefs(r.tenant(), r.fromMs(), r.toMs() - 1, r.matchers());
        Map<Long, List<IndexedChunk>> byFingerprint = new LinkedHashMap<>();
        for (IndexedChunk c : refs) {
            byFingerprint.computeIfAbsent(c.fingerprint(), f -> new ArrayList<>()).add(c);
        }
        for (List<IndexedChunk> group : byFingerprint.values()) {
            try {
                deleteFingerprint(r, group, t);
            } catch (StorageException e) {
                t.failures.add(
                        new PurgeFailure(
                                "series of " + group.get(0).externalKey(),
                                e.getMessage() + "; run the same delete again to retry"));
            }
        }
        deleteSharedRows(r.tenant(), t);
        if (!dryRun) {
            checkpoint.save();
        }
        return t.summary(dryRun, Duration.ofNanos(System.nanoTime() - started));
    }

    private void deleteFingerprint(PurgeRequest r, List<IndexedChunk> group, Tally t) {
        FetchedChunks fetched = store.fetchAll(group);
        fetched.failures()
                .forEach(
                        (key, e) ->
                                t.failures.add(
                                        new PurgeFailure(
                                                key,
                                                "cannot read the chunk ("
                                                        + e.getMessage()
                                                        + "); its index entries are kept, since they are"
                                                        + " computed from the chunk's labels")));
        Map<Labels, List<Removal>> bySeries = new LinkedHashMap<>();
        for (IndexedChunk ref : group) {
            Chunk c = fetched.chunk(ref.externalKey());
            if (c != null && QueryMatchers.matchesAll(c.labels(), r.matchers())) {
                bySeries.computeIfAbsent(c.labels(), l -> new ArrayList<>())
                        .add(new Removal(ref, c));
            }
        }
        for (Map.Entry<Labels, List<Removal>> s : bySeries.entrySet()) {
            t.series++;
            List<Removal> removals = new ArrayList<>();
            List<ChunkCodec.Encoded> rewrites = new ArrayList<>();
            for (Removal rm : s.getValue()) {
                t.chunksFound++;
                classify(r, rm, removals, rewrites, t);
            }
            remove(r.tenant(), s.getKey(), removals, rewrites, t);
        }
    }

    /** Decides what happens to one chunk of a matched series. */
    private void classify(
            PurgeRequest r,
            Removal rm,
            List<Removal> removals,
            List<ChunkCodec.Encoded> rewrites,
            Tally t) {
        Chunk c = rm.chunk();
        String key = rm.ref().externalKey();
        if (r.covers(c.from()) && r.covers(c.through())) {
            removals.add(rm);
            return;
        }
        if (c.encoding().isLogs()) {
            if (r.wholeChunks()) {
                t.kept(key);
            } else if (logRewriter != null) {
                LogChunkRewriter.Rewritten w = logRewriter.without(c, key, r.fromMs(), r.toMs());
                if (w.removed() == 0) {
                    t.chunksUntouched++;
                } else if (w.kept() == 0) {
                    removals.add(rm);
                } else {
                    rewrites.add(w.chunk());
                    removals.add(rm);
                    t.chunksRewritten++;
                }
            } else {
                t.failures.add(
                        new PurgeFailure(
                                key,
                                "a log chunk straddles the range ["
                                        + r.fromMs()
                                        + ", "
                                        + r.toMs()
                                        + ") (it runs "
                                        + c.from()
                                        + " to "
                                        + c.through()
                                        + ") and log chunks are not rewritten without a log chunk"
                                        + " rewriter; it is kept. Widen"
                                        + " the range to cover it, or rerun with --whole-chunks to keep"
                                        + " straddling chunks deliberately"));
            }
            return;
        }
        List<Sample> all = c.samples();
        List<Sample> keep = new ArrayList<>(all.size());
        for (Sample s : all) {
            if (!r.covers(s.timestamp())) {
                keep.add(s);
            }
        }
        if (keep.size() == all.size()) {
            t.chunksUntouched++;
        } else if (keep.isEmpty()) {
            removals.add(rm);
        } else if (r.wholeChunks()) {
            t.kept(key);
        } else {
            // Bigchunk and PrometheusXorChunk are rewritten in their own encoding; the older
            // encodings (Delta, DoubleDelta, Varbit), which nothing writes any more, as Bigchunk.
            ChunkEncoding enc =
                    c.encoding() == ChunkEncoding.PROMETHEUS_XOR
                            ? ChunkEncoding.PROMETHEUS_XOR
                            : ChunkEncoding.BIGCHUNK;
            Chunk rewritten = Chunk.fromSamples(c.userId(), c.fingerprint(), c.labels(), enc, keep);
            rewrites.add(ChunkCodec.encode(rewritten));
            removals.add(rm);
            t.chunksRewritten++;
        }
    }

    /** An index row: table and hash value. */
    private record Row(IndexClient client, String table, String hash) {}

    /** A bucket's label entries, removable once its chunk row holds no chunk. */
    private record LabelCandidate(
            PeriodConfig period,
            Row chunkRow,
            Bucket bucket,
            String series,
            List<IndexEntry> entries) {}

    /**
     * Removes chunks of one series (writing their replacements first) with every index entry their
     * writes produced.
     */
    private void remove(
            String tenant,
            Labels labels,
            List<Removal> removals,
            List<ChunkCodec.Encoded> rewrites,
            Tally t) {
        if (removals.isEmpty()) {
            return;
        }
        // Counted apart and added when the chunks are gone, so a crash and a resume count each
        // deletion once.
        Tally d = new Tally();
        // 1. The replacements, written before anything goes; their entries count as present below.
        Set<String> added = new HashSet<>();
        for (ChunkCodec.Encoded e : rewrites) {
            String key = store.externalKey(e.chunk());
            for (Placed p : entriesOf(tenant, labels, e.chunk().from(), e.chunk().through(), key)) {
                added.add(p.entry.cellKey());
                Tally.add(d.indexWrites, p.entry.tableName(), 1);
            }
            Tally.add(d.chunkWrites, schemaConfig.chunkTableFor(e.chunk().from()), 1);
        }
        if (!dryRun && !rewrites.isEmpty()) {
            store.put(rewrites);
        }
        // 2. What goes: chunk entries (every entry for v1-v6) of each removed chunk ...
        Map<IndexClient, Map<String, IndexEntry>> deletes = new IdentityHashMap<>();
        List<IndexClient> clientOrder = new ArrayList<>();
        List<LabelCandidate> candidates = new ArrayList<>();
        for (Removal rm : removals) {
            String key = rm.ref().externalKey();
            for (PeriodRange pr : schemaConfig.split(rm.chunk().from(), rm.chunk().through())) {
                IndexSchema schema = schemas.get(pr.period());
                IndexClient client = store.clientsFor(pr.period()).index();
                if (!schema.version().isSeriesStore()) {
                    for (IndexEntry e :
                            schema.writeEntries(pr.fromMs(), pr.throughMs(), tenant, labels, key)) {
                        delete(deletes, clientOrder, client, e);
                    }
                    continue;
                }
                List<IndexEntry> chunkEntries =
                        schema.chunkWriteEntries(pr.fromMs(), pr.throughMs(), tenant, labels, key);
                List<LabelWriteEntries> labelEntries =
                        schema.labelWriteEntries(pr.fromMs(), pr.throughMs(), tenant, labels);
                if (chunkEntries.size() != labelEntries.size()) {
                    throw new IllegalStateException(
                            "schema "
                                    + schema.version()
                                    + " gave "
                                    + chunkEntries.size()
                                    + " chunk entries for "
                                    + labelEntries.size()
                                    + " buckets");
                }
                for (int i = 0; i < chunkEntries.size(); i++) {
                    IndexEntry ce = chunkEntries.get(i);
                    delete(deletes, clientOrder, client, ce);
                    candidates.add(
                            new LabelCandidate(
                                    pr.period(),
                                    new Row(client, ce.tableName(), ce.hashValue()),
                                    labelEntries.get(i).bucket(),
                                    schema.seriesOfChunkEntry(ce),
                                    labelEntries.get(i).entries()));
                }
            }
        }
        // ... and, for v9+, a bucket's label entries once its chunk row would be empty.
        // A row shared by the whole table waits for the end of the run, when a scan tells whether
        // another tenant still has the series there (sharedRows).
        Map<Row, Boolean> emptyRows = new LinkedHashMap<>();
        Map<String, Boolean> emptyTables = new LinkedHashMap<>();
        Map<String, PurgeCheckpoint.SharedRow> shared = new LinkedHashMap<>();
        for (LabelCandidate c : candidates) {
            if (!emptyRows.computeIfAbsent(c.chunkRow, row -> rowEmpty(row, deletes, added))) {
                continue;
            }
            IndexSchema schema = schemas.get(c.period);
            for (IndexEntry e : c.entries) {
                if (!schema.sharedByTable(e)) {
                    delete(deletes, clientOrder, c.chunkRow.client, e);
                } else if (emptyTables.computeIfAbsent(
                        e.tableName(), table -> tableEmpty(tenant, labels, c, deletes, added))) {
                    PurgeCheckpoint.SharedRow row =
                            new PurgeCheckpoint.SharedRow(
                                    c.period.from().toString(),
                                    e.tableName(),
                                    e.hashValue(),
                                    HexFormat.of().formatHex(e.rangeValue()),
                                    c.series);
                    shared.putIfAbsent(e.cellKey(), row);
                }
            }
        }
        sharedRows.addAll(shared.values());
        for (IndexClient client : clientOrder) {
            for (IndexEntry e : deletes.get(client).values()) {
                Tally.add(d.indexDeletes, e.tableName(), 1);
                t.sample("index " + e.tableName() + " " + e.hashValue() + " " + printable(e));
            }
        }
        List<PurgeCheckpoint.Pending> pending = new ArrayList<>();
        for (Removal rm : removals) {
            pending.add(
                    new PurgeCheckpoint.Pending(
                            rm.ref().externalKey(),
                            rm.ref().tableName(),
                            rm.ref().period().from().toString()));
            t.sample("chunk " + rm.ref().tableName() + "/" + rm.ref().externalKey());
        }
        // 3. Index entries first, then the chunks.
        if (!dryRun) {
            checkpoint.begin(pending, List.copyOf(shared.values()));
            for (IndexClient client : clientOrder) {
                WriteBatch batch = client.newWriteBatch();
                for (IndexEntry e : deletes.get(client).values()) {
                    batch.delete(e.tableName(), e.hashValue(), e.rangeValue());
                }
                client.batchWrite(batch);
            }
        }
        for (Removal rm : removals) {
            for (ChunkClient cc : chunkClientsOf(rm.chunk())) {
                if (!dryRun) {
                    cc.deleteChunk(rm.ref().location());
                }
                Tally.add(d.chunkDeletes, rm.ref().tableName(), 1);
            }
            d.chunksDeleted++;
        }
        t.merge(d);
        if (!dryRun) {
            checkpoint.finish(pending.stream().map(PurgeCheckpoint.Pending::key).toList());
        }
    }

    /** One index entry a chunk's write produces, with the client of its period. */
    private record Placed(IndexClient client, IndexEntry entry) {}

    /** Every entry the store's write of a chunk produces (before write-dedupe filtering). */
    private List<Placed> entriesOf(
            String tenant, Labels labels, long from, long through, String key) {
        List<Placed> out = new ArrayList<>();
        for (PeriodRange pr : schemaConfig.split(from, through)) {
            IndexClient client = store.clientsFor(pr.period()).index();
            for (IndexEntry e :
                    schemas.get(pr.period())
                            .writeEntries(pr.fromMs(), pr.throughMs(), tenant, labels, key)) {
                out.add(new Placed(client, e));
            }
        }
        return out;
    }

    /** The distinct chunk clients a chunk was stored in: one per period its range touches. */
    private List<ChunkClient> chunkClientsOf(Chunk chunk) {
        return chunkClientsOf(chunk.from(), chunk.through());
    }

    private List<ChunkClient> chunkClientsOf(long from, long through) {
        List<ChunkClient> out = new ArrayList<>();
        Set<ChunkClient> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (PeriodRange pr : schemaConfig.split(from, through)) {
            ChunkClient cc = store.clientsFor(pr.period()).chunks();
            if (seen.add(cc)) {
                out.add(cc);
            }
        }
        return out;
    }

    private static void delete(
            Map<IndexClient, Map<String, IndexEntry>> deletes,
            List<IndexClient> order,
            IndexClient client,
            IndexEntry e) {
        if (!deletes.containsKey(client)) {
            order.add(client);
        }
        deletes.computeIfAbsent(client, c -> new LinkedHashMap<>()).putIfAbsent(e.cellKey(), e);
    }

    /**
     * Whether a chunk row holds no chunk once the planned deletes are applied (and the planned
     * writes, already made unless this is a dry run, are counted).
     */
    private boolean rowEmpty(
            Row row, Map<IndexClient, Map<String, IndexEntry>> deletes, Set<String> added) {
        Map<String, IndexEntry> gone = deletes.getOrDefault(row.client, Map.of());
        for (IndexEntry e : readRow(row)) {
            if (!gone.containsKey(e.cellKey())) {
                return false;
            }
        }
        for (String cell : added) {
            if (cell.startsWith(row.table + ":" + row.hash + ":")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether no bucket of a label candidate's table (within its period) still has a chunk of the
     * series, once the planned deletes are applied: the condition for removing a row shared by the
     * whole table. The chunk rows of those buckets are the ones the schema's chunk entries name.
     */
    private boolean tableEmpty(
            String tenant,
            Labels labels,
            LabelCandidate c,
            Map<IndexClient, Map<String, IndexEntry>> deletes,
            Set<String> added) {
        PeriodConfig p = c.period;
        long periodStart = p.fromMs();
        long periodEnd = Long.MAX_VALUE;
        int i = schemaConfig.periods().indexOf(p);
        if (i + 1 < schemaConfig.periods().size()) {
            periodEnd = schemaConfig.periods().get(i + 1).fromMs() - 1;
        }
        long start;
        long end;
        if (p.index().isPeriodic()) {
            long n = p.index().tableNumber(c.bucket.startMs());
            start = Math.max(periodStart, p.index().tableStartMs(n));
            end = Math.min(periodEnd, p.index().tableStartMs(n + 1) - 1);
        } else {
            // One table for the whole period: every bucket up to a day after now.
            start = periodStart;
            end = Math.min(periodEnd, clock.millis() + Duration.ofDays(1).toMillis());
        }
        if (end < start) {
            return true;
        }
        for (IndexEntry e : schemas.get(p).chunkWriteEntries(start, end, tenant, labels, "probe")) {
            if (e.tableName().equals(c.chunkRow.table)
                    && !rowEmpty(
                            new Row(c.chunkRow.client, e.tableName(), e.hashValue()),
                            deletes,
                            added)) {
                return false;
            }
        }
        return true;
    }

    private static List<IndexEntry> readRow(Row row) {
        List<IndexEntry> out = new ArrayList<>();
        row.client.queryPages(
                List.of(IndexQuery.row(row.table, row.hash)),
                (q, page) -> {
                    ReadBatch.ReadBatchIterator it = page.iterator();
                    List<IndexEntry> got = new ArrayList<>();
                    while (it.next()) {
                        got.add(new IndexEntry(row.table, row.hash, it.rangeValue(), it.value()));
                    }
                    synchronized (out) {
                        out.addAll(got);
                    }
                    return true;
                });
        synchronized (out) {
            return new ArrayList<>(out);
        }
    }

    /** A range value as text: its bytes with control and non-ASCII bytes as {@code \xNN}. */
    static String printable(IndexEntry e) {
        StringBuilder sb = new StringBuilder();
        for (byte b : e.rangeValue()) {
            int v = b & 0xff;
            if (v >= 0x20 && v < 0x7f) {
                sb.append((char) v);
            } else {
                sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", v));
            }
        }
        return sb.toString();
    }

    // ---- rows shared by a whole table

    /**
     * Removes the v11+ label-names rows whose series this run left without chunks for the tenant in
     * their table, unless a scan of the table finds another tenant's chunk of the same series (the
     * row is keyed by the series alone, so that tenant needs it). A backend without a table scan
     * keeps them, and the summary says so.
     */
    private void deleteSharedRows(String tenant, Tally t) {
        Map<String, PurgeCheckpoint.SharedRow> all = new LinkedHashMap<>();
        for (PurgeCheckpoint.SharedRow r : checkpoint.shared()) {
            all.put(r.table() + "\u0000" + r.hash() + "\u0000" + r.rangeHex(), r);
        }
        for (PurgeCheckpoint.SharedRow r : sharedRows) {
            all.putIfAbsent(r.table() + "\u0000" + r.hash() + "\u0000" + r.rangeHex(), r);
        }
        sharedRows.clear();
        Map<String, List<PurgeCheckpoint.SharedRow>> byTable = new LinkedHashMap<>();
        for (PurgeCheckpoint.SharedRow r : all.values()) {
            byTable.computeIfAbsent(r.periodFrom() + "/" + r.table(), k -> new ArrayList<>())
                    .add(r);
        }
        for (List<PurgeCheckpoint.SharedRow> rows : byTable.values()) {
            PeriodConfig p = periodFrom(rows.get(0).periodFrom());
            IndexSchema schema = schemas.get(p);
            IndexClient client = store.clientsFor(p).index();
            String table = rows.get(0).table();
            Set<String> series = new HashSet<>();
            rows.forEach(r -> series.add(r.series()));
            Set<String> used = new HashSet<>();
            try {
                client.scan(
                        table,
                        "",
                        page -> {
                            for (IndexEntry e : page) {
                                if (schema.isTenantRow(
                                        e.hashValue(),
                                        tenant,
                                        Long.MIN_VALUE / 4,
                                        Long.MAX_VALUE / 4)) {
                                    continue;
                                }
                                String s = schema.seriesOfChunkEntry(e);
                                if (s != null && series.contains(s)) {
                                    used.add(s);
                                }
                            }
                            return true;
                        });
            } catch (UnsupportedOperationException e) {
                t.notes.add(
                        "kept "
                                + rows.size()
                                + " label-names row(s) of table "
                                + table
                                + ": they are keyed by the series alone, so another tenant with the same"
                                + " series shares them, and this store cannot scan the table to check ("
                                + e.getMessage()
                                + ")");
                if (!dryRun) {
                    checkpoint.sharedDone(rows);
                }
                continue;
            } catch (io.chunkstore.spi.TableNotFoundException e) {
                if (!dryRun) {
                    checkpoint.sharedDone(rows);
                }
                continue;
            }
            WriteBatch batch = client.newWriteBatch();
            int kept = 0;
            for (PurgeCheckpoint.SharedRow r : rows) {
                if (used.contains(r.series())) {
                    kept++;
                    continue;
                }
                byte[] range = HexFormat.of().parseHex(r.rangeHex());
                batch.delete(table, r.hash(), range);
                Tally.add(t.indexDeletes, table, 1);
                t.sample(
                        "index "
                                + table
                                + " "
                                + r.hash()
                                + " "
                                + printable(new IndexEntry(table, r.hash(), range, null)));
            }
            if (kept > 0) {
                t.notes.add(
                        "kept "
                                + kept
                                + " label-names row(s) of table "
                                + table
                                + ": another tenant has chunks of the same series there, and the row"
                                + " (keyed by the series alone, no tenant) is theirs too");
            }
            if (!dryRun) {
                if (!batch.isEmpty()) {
                    client.batchWrite(batch);
                }
                checkpoint.sharedDone(rows);
            }
        }
    }

    // ---- delete tenant

    /** One index table of a period and the part of the period it covers. */
    private record TableSpan(String table, long fromMs, long throughMs) {}

    /**
     * Deletes every index row and chunk of a tenant in every period: each index table of each
     * period is scanned for the tenant's rows (by hash-value prefix where the backend keeps hash
     * values in order, the whole table otherwise: {@link IndexScan.Mode}), the chunk IDs they point
     * at are recorded in the checkpoint, the rows deleted, and then the chunks, a chunk only once
     * the last table that indexes it is done. Tables are the schema's from each period's start to
     * its end (the next period's start, or a table period past now); a missing table is skipped.
     *
     * @throws UnsupportedOperationException when a period's index client cannot scan (no {@link
     *     io.chunkstore.spi.Capabilities.Feature#INDEX_SCAN}), before anything is deleted
     */
    public PurgeSummary deleteTenant(String tenant) {
        io.chunkstore.core.model.TenantIds.validate(tenant);
        long started = System.nanoTime();
        Tally t = dryRun ? new Tally() : checkpoint.tally();
        List<PeriodConfig> periods = schemaConfig.periods();
        for (PeriodConfig p : periods) {
            IndexClient ic = store.clientsFor(p).index();
            if (ic.scanMode() == IndexScan.Mode.NONE) {
                throw new UnsupportedOperationException(
                        "cannot delete tenant "
                                + tenant
                                + ": the index of the period from "
                                + p.from()
                                + " (store "
                                + p.store()
                                + ") cannot list its rows, and rows are found only by listing"
                                + " them; nothing was deleted. Run the delete where the backend is"
                                + " reachable directly (not through grpc-store)");
            }
        }
        // Chunks whose index rows are gone but which a later table may still index: deleted once
        // that table is done (a chunk's last table is the one of its through).
        Map<String, PurgeCheckpoint.Pending> carried = new LinkedHashMap<>();
        for (PurgeCheckpoint.Pending pd : checkpoint.pending()) {
            carried.put(pd.key(), pd);
        }
        for (int i = 0; i < periods.size(); i++) {
            PeriodConfig p = periods.get(i);
            long end =
                    i + 1 < periods.size()
                            ? periods.get(i + 1).fromMs() - 1
                            : clock.millis()
                                    + Math.max(
                                            Duration.ofDays(1).toMillis(),
                                            p.index().periodSeconds() * 1000);
            if (end < p.fromMs()) {
                continue;
            }
            for (TableSpan ts : tables(p, p.fromMs(), end)) {
                String id = p.from() + "/" + ts.table;
                if (!dryRun && checkpoint.tableDone(id)) {
                    continue;
                }
                purgeTable(tenant, p, ts, carried, t);
                if (!dryRun) {
                    checkpoint.tableFinished(id);
                }
            }
        }
        deleteChunks(tenant, new ArrayList<>(carried.values()), t);
        deleteSharedRows(tenant, t);
        if (!dryRun) {
            checkpoint.save();
        }
        return t.summary(dryRun, Duration.ofNanos(System.nanoTime() - started));
    }

    private static List<TableSpan> tables(PeriodConfig p, long from, long through) {
        if (!p.index().isPeriodic()) {
            return List.of(new TableSpan(p.index().tableFor(from), from, through));
        }
        List<TableSpan> out = new ArrayList<>();
        for (long n = p.index().tableNumber(from), last = p.index().tableNumber(through);
                n <= last;
                n++) {
            out.add(
                    new TableSpan(
                            p.index().tableFor(p.index().tableStartMs(n)),
                            Math.max(from, p.index().tableStartMs(n)),
                            Math.min(through, p.index().tableStartMs(n + 1) - 1)));
        }
        return out;
    }

    private void purgeTable(
            String tenant,
            PeriodConfig p,
            TableSpan ts,
            Map<String, PurgeCheckpoint.Pending> carried,
            Tally t) {
        IndexSchema schema = schemas.get(p);
        IndexClient ic = store.clientsFor(p).index();
        List<String> prefixes =
                ic.scanMode() == IndexScan.Mode.PREFIX
                        ? schema.tenantHashPrefixes(tenant)
                        : List.of("");
        List<IndexEntry> rows = new ArrayList<>();
        Set<String> chunkIds = new java.util.TreeSet<>();
        Set<String> series = new java.util.TreeSet<>();
        boolean labelNames = schema.version().hasLabelNamesIndex();
        try {
            for (String prefix : prefixes) {
                ic.scan(
                        ts.table,
                        prefix,
                        page -> {
                            for (IndexEntry e : page) {
                                if (!schema.isTenantRow(
                                        e.hashValue(), tenant, ts.fromMs, ts.throughMs)) {
                                    continue;
                                }
                                rows.add(e);
                                String s = schema.seriesOfChunkEntry(e);
                                if (s != null || !schema.version().isSeriesStore()) {
                                    try {
                                        chunkIds.add(
                                                RangeValueParser.parseChunkTimeRangeValue(
                                                                e.rangeValue(), e.value())
                                                        .id());
                                    } catch (RuntimeException bad) {
                                        t.notes.add(
                                                "an entry of row "
                                                        + e.hashValue()
                                                        + " in table "
                                                        + ts.table
                                                        + " names no chunk ("
                                                        + bad.getMessage()
                                                        + "); the entry is deleted");
                                    }
                                }
                                if (s != null) {
                                    series.add(s);
                                }
                            }
                            return true;
                        });
            }
        } catch (io.chunkstore.spi.TableNotFoundException e) {
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        t.series += series.size();
        List<PurgeCheckpoint.SharedRow> shared = new ArrayList<>();
        for (String s : labelNames ? series : Set.<String>of()) {
            for (IndexQuery q : schema.labelNamesForSeries(ts.fromMs, ts.fromMs, tenant, s)) {
                if (!q.tableName().equals(ts.table)) {
                    continue;
                }
                for (IndexEntry e : readRow(new Row(ic, q.tableName(), q.hashValue()))) {
                    if (schema.sharedByTable(e)) {
                        shared.add(
                                new PurgeCheckpoint.SharedRow(
                                        p.from().toString(),
                                        e.tableName(),
                                        e.hashValue(),
                                        HexFormat.of().formatHex(e.rangeValue()),
                                        s));
                    }
                }
            }
        }
        sharedRows.addAll(shared);
        List<PurgeCheckpoint.Pending> pending = new ArrayList<>();
        for (String id : chunkIds) {
            if (carried.containsKey(id)) {
                continue;
            }
            ChunkRef ref;
            try {
                ref = ChunkRef.parse(tenant, id);
            } catch (RuntimeException e) {
                t.failures.add(
                        new PurgeFailure(
                                id,
                                "an index entry of table "
                                        + ts.table
                                        + " names this chunk, but it is not a chunk key ("
                                        + e.getMessage()
                                        + "); the entry is deleted, no chunk is"));
                continue;
            }
            PurgeCheckpoint.Pending pd =
                    new PurgeCheckpoint.Pending(
                            id, schemaConfig.chunkTableFor(ref.from()), p.from().toString());
            pending.add(pd);
            carried.put(id, pd);
            t.chunksFound++;
        }
        if (!dryRun) {
            checkpoint.begin(pending, shared);
        }
        WriteBatch batch = ic.newWriteBatch();
        for (IndexEntry e : rows) {
            Tally.add(t.indexDeletes, e.tableName(), 1);
            t.sample("index " + e.tableName() + " " + e.hashValue() + " " + printable(e));
            batch.delete(e.tableName(), e.hashValue(), e.rangeValue());
            if (batch.size() >= DELETE_BATCH) {
                if (!dryRun) {
                    ic.batchWrite(batch);
                }
                batch = ic.newWriteBatch();
            }
        }
        if (!dryRun && !batch.isEmpty()) {
            ic.batchWrite(batch);
        }
        // Chunks whose through lies in a table already done have no index entry left.
        List<PurgeCheckpoint.Pending> ready = new ArrayList<>();
        for (PurgeCheckpoint.Pending pd : carried.values()) {
            if (ChunkRef.parse(tenant, pd.key()).through() <= ts.throughMs) {
                ready.add(pd);
            }
        }
        deleteChunks(tenant, ready, t);
        ready.forEach(pd -> carried.remove(pd.key()));
    }

    /** Index deletes per backend call in a tenant delete. */
    static final int DELETE_BATCH = 1000;

    private void deleteChunks(String tenant, List<PurgeCheckpoint.Pending> chunks, Tally t) {
        if (chunks.isEmpty()) {
            return;
        }
        for (PurgeCheckpoint.Pending pd : chunks) {
            ChunkRef ref = ChunkRef.parse(tenant, pd.key());
            for (ChunkClient cc : chunkClientsOf(ref.from(), ref.through())) {
                if (!dryRun) {
                    cc.deleteChunk(new io.chunkstore.spi.ChunkLocation(pd.key(), pd.table()));
                }
                Tally.add(t.chunkDeletes, pd.table(), 1);
            }
            t.chunksDeleted++;
            t.sample("chunk " + pd.table() + "/" + pd.key());
        }
        if (!dryRun) {
            checkpoint.finish(chunks.stream().map(PurgeCheckpoint.Pending::key).toList());
        }
    }

    /**
     * Finishes the chunks a checkpoint says were being removed: each still stored is removed with
     * its entries; one already gone is done (its entries went first).
     */
    private void resumePending(String tenant, Tally t) {
        List<PurgeCheckpoint.Pending> pending = checkpoint.pending();
        if (pending.isEmpty()) {
            return;
        }
        List<IndexedChunk> refs = new ArrayList<>();
        for (PurgeCheckpoint.Pending p : pending) {
            PeriodConfig period = periodFrom(p.periodFrom());
            refs.add(new IndexedChunk(p.key(), ChunkRef.parse(tenant, p.key()), p.table(), period));
        }
        FetchedChunks fetched = store.fetchAll(refs);
        List<String> gone = new ArrayList<>();
        Map<Labels, List<Removal>> bySeries = new LinkedHashMap<>();
        for (IndexedChunk ref : refs) {
            Chunk c = fetched.chunk(ref.externalKey());
            StorageException e = fetched.failures().get(ref.externalKey());
            if (c != null) {
                bySeries.computeIfAbsent(c.labels(), l -> new ArrayList<>())
                        .add(new Removal(ref, c));
            } else if (e instanceof ChunkNotFoundException) {
                // Its entries and object went before the interruption, uncounted.
                gone.add(ref.externalKey());
                t.resumedChunks++;
                t.chunksDeleted++;
                Tally.add(
                        t.chunkDeletes,
                        ref.tableName(),
                        chunkClientsOf(ref.from(), ref.through()).size());
            } else {
                t.failures.add(
                        new PurgeFailure(
                                ref.externalKey(),
                                "the checkpoint lists this chunk as being deleted, but it cannot be"
                                        + " read ("
                                        + (e == null ? "unknown" : e.getMessage())
                                        + "); its remaining index entries are kept"));
            }
        }
        if (!dryRun && !gone.isEmpty()) {
            checkpoint.finish(gone);
        }
        for (Map.Entry<Labels, List<Removal>> s : bySeries.entrySet()) {
            t.resumedChunks += s.getValue().size();
            remove(tenant, s.getKey(), s.getValue(), List.of(), t);
        }
    }

    private PeriodConfig periodFrom(String day) {
        LocalDate d = LocalDate.parse(day);
        for (PeriodConfig p : schemaConfig.periods()) {
            if (p.from().equals(d)) {
                return p;
            }
        }
        throw new io.chunkstore.spi.ConfigException(
                "the checkpoint names a schema period from "
                        + day
                        + " that the config does not have; use the config the delete started with");
    }

    /** Builds a {@link Purger}. */
    public static final class Builder {
        private final CompositeStore store;
        private boolean dryRun;
        private PurgeCheckpoint checkpoint;
        private Clock clock = Clock.systemUTC();
        private LogChunkRewriter logRewriter;

        private Builder(CompositeStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Read only: report what would be deleted, write and delete nothing. */
        public Builder dryRun(boolean d) {
            this.dryRun = d;
            return this;
        }

        /** Where progress is recorded (an in-memory one by default). */
        public Builder checkpoint(PurgeCheckpoint c) {
            this.checkpoint = c;
            return this;
        }

        /**
         * Rewrites log chunks that straddle a delete's range (Loki's, from the loki module);
         * without one such a chunk is kept and reported as a failure.
         */
        public Builder logChunkRewriter(LogChunkRewriter r) {
            this.logRewriter = r;
            return this;
        }

        /** Where "now" comes from (bounds the buckets of a non-periodic table). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Purger build() {
            return new Purger(this);
        }
    }
}
