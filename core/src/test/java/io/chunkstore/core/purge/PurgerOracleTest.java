package io.chunkstore.core.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.core.testing.MemoryBackend;
import io.chunkstore.core.testing.SeriesData;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ForwardingChunkClient;
import io.chunkstore.spi.support.ForwardingIndexClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The purger against an oracle: three tenants' data (two of them with identical series, so v11+'s
 * shared label-names rows are exercised; one tenant named like a row shard, {@code 01}) over four
 * schema periods (v6, v9, v11, v12); after each delete, every index entry and chunk of the store
 * must equal those of a store written from the start without the deleted data, where the oracle
 * computes the surviving samples of each chunk itself. Also: a dry run changes nothing and counts
 * what the real run does; a run that crashes and is resumed from its checkpoint ends where an
 * uninterrupted one does.
 */
class PurgerOracleTest {
    static final String A = "tenant-a";
    static final String B = "tenant-b";
    static final String SHARD_LIKE = "01";
    static final long START = ms(LocalDate.of(2019, 5, 1)) + 6 * SeriesData.HOUR;
    static final long END = ms(LocalDate.of(2019, 5, 9));
    static final Clock CLOCK = Clock.fixed(Instant.parse("2019-06-01T00:00:00Z"), ZoneOffset.UTC);
    static final SchemaConfig SCHEMA =
            SchemaConfig.of(
                    period("2019-05-01", SchemaVersion.V6, "i6_", "c6_"),
                    period("2019-05-03", SchemaVersion.V9, "i9_", "c9_"),
                    period("2019-05-05", SchemaVersion.V11, "i11_", "c11_"),
                    period("2019-05-07", SchemaVersion.V12, "i12_", "c12_"));
    static final List<SeriesData> DATA =
            List.of(
                    SeriesData.generate(SCHEMA, A, 40, START, END, 1),
                    SeriesData.generate(SCHEMA, B, 20, START, END, 2),
                    SeriesData.generate(SCHEMA, SHARD_LIKE, 12, START, END, 3));

    static long ms(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    static PeriodConfig period(String from, SchemaVersion v, String index, String chunks) {
        return new PeriodConfig(
                LocalDate.parse(from),
                "memory",
                "memory",
                v,
                PeriodicTableConfig.of(index, Duration.ofDays(7)),
                PeriodicTableConfig.of(chunks, Duration.ofDays(7)),
                0);
    }

    static CompositeStore store(IndexClient index, ChunkClient chunks) {
        return CompositeStore.builder(SCHEMA)
                .clients(PeriodClientResolver.of(new PeriodClients(index, chunks)))
                .clock(CLOCK)
                .build();
    }

    /** Writes the chunks through the store's write path, one put per chunk as an ingester does. */
    static MemoryBackend written(List<ChunkCodec.Encoded> chunks) {
        MemoryBackend b = new MemoryBackend();
        try (CompositeStore s = store(b, b)) {
            for (ChunkCodec.Encoded c : chunks) {
                s.put(List.of(c));
            }
        }
        return b;
    }

    static List<ChunkCodec.Encoded> all() {
        List<ChunkCodec.Encoded> out = new ArrayList<>();
        DATA.forEach(d -> out.addAll(d.allChunks()));
        return out;
    }

    static boolean matches(Labels labels, List<LabelMatcher> matchers) {
        for (LabelMatcher m : matchers) {
            String v = labels.has(m.name()) ? labels.get(m.name()) : "";
            if (!m.matches(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The oracle: every chunk as it would have been written had the deleted samples never existed
     * (computed here from the generated samples, not by the purger).
     */
    static List<ChunkCodec.Encoded> withoutSamples(PurgeRequest r) {
        List<ChunkCodec.Encoded> out = new ArrayList<>();
        for (ChunkCodec.Encoded e : all()) {
            Chunk c = e.chunk();
            if (!c.userId().equals(r.tenant())
                    || !matches(c.labels(), r.matchers())
                    || c.through() < r.fromMs()
                    || c.from() >= r.toMs()) {
                out.add(e);
                continue;
            }
            List<Sample> kept = new ArrayList<>();
            for (Sample s : c.samples()) {
                if (s.timestamp() < r.fromMs() || s.timestamp() >= r.toMs()) {
                    kept.add(s);
                }
            }
            if (kept.size() == c.samples().size() || (!kept.isEmpty() && r.wholeChunks())) {
                out.add(e);
            } else if (!kept.isEmpty()) {
                out.add(
                        ChunkCodec.encode(
                                Chunk.fromSamples(
                                        c.userId(),
                                        c.fingerprint(),
                                        c.labels(),
                                        ChunkEncoding.BIGCHUNK,
                                        kept)));
            }
        }
        return out;
    }

    /** Every index cell and every stored chunk of a backend. */
    static Map<String, String> dump(MemoryBackend b) {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        for (String table : b.listTables()) {
            b.scan(
                    table,
                    "",
                    page -> {
                        for (IndexEntry e : page) {
                            out.put(
                                    "index "
                                            + table
                                            + " "
                                            + e.hashValue()
                                            + " "
                                            + hex.formatHex(e.rangeValue()),
                                    hex.formatHex(e.value()));
                        }
                        return true;
                    });
        }
        for (ChunkLocation l : b.chunkLocations()) {
            out.put("chunk " + l.tableName() + "/" + l.key(), hex.formatHex(b.storedChunk(l)));
        }
        return out;
    }

    static PurgeRequest request(
            String tenant, String selector, String from, String to, boolean whole) {
        return new PurgeRequest(
                tenant, selector, Selectors.parseMatchers(selector), ms(from), ms(to), whole);
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of(
                        request(
                                A,
                                "cpu_usage{job=\"api\"}",
                                "2019-05-02T10:00:00Z",
                                "2019-05-06T13:30:00Z",
                                false)),
                Arguments.of(
                        request(
                                A,
                                "cpu_usage{job=\"api\"}",
                                "2019-05-02T10:00:00Z",
                                "2019-05-06T13:30:00Z",
                                true)),
                Arguments.of(
                        request(
                                A,
                                "mem_bytes",
                                "2019-05-01T00:00:00Z",
                                "2019-05-10T00:00:00Z",
                                false)),
                Arguments.of(
                        request(
                                A,
                                "cpu_usage{env=\"prod\",instance=~\"inst-0|inst-1\"}",
                                "2019-05-04T03:00:00Z",
                                "2019-05-04T20:00:00Z",
                                false)),
                Arguments.of(
                        request(
                                A,
                                "mem_bytes{job=\"web\"}",
                                "2019-05-05T00:00:00Z",
                                "2019-05-09T00:00:00Z",
                                false)),
                Arguments.of(
                        request(
                                B,
                                "cpu_usage",
                                "2019-05-01T00:00:00Z",
                                "2019-05-10T00:00:00Z",
                                false)),
                Arguments.of(
                        request(
                                SHARD_LIKE,
                                "cpu_usage{job=~\"api|web\"}",
                                "2019-05-06T00:00:00Z",
                                "2019-05-08T12:00:00Z",
                                false)));
    }

    static PurgeSummary purge(MemoryBackend b, PurgeRequest r, boolean dryRun, PurgeCheckpoint cp) {
        return purge(b, b, r, dryRun, cp);
    }

    static PurgeSummary purge(
            IndexClient index,
            ChunkClient chunks,
            PurgeRequest r,
            boolean dryRun,
            PurgeCheckpoint cp) {
        try (CompositeStore s = store(index, chunks)) {
            return Purger.builder(s)
                    .dryRun(dryRun)
                    .checkpoint(cp)
                    .clock(CLOCK)
                    .build()
                    .deleteSeries(r);
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void afterDeletingSeriesTheStoreIsTheOracles(PurgeRequest r) {
        MemoryBackend purged = written(all());
        Map<String, String> before = dump(purged);

        PurgeSummary dry = purge(purged, r, true, null);
        assertThat(dump(purged)).as("a dry run changes nothing").isEqualTo(before);

        PurgeSummary real = purge(purged, r, false, null);
        assertThat(real.failures()).isEmpty();
        assertThat(real.chunksDeleted()).isPositive();
        assertThat(dump(purged)).isEqualTo(dump(written(withoutSamples(r))));

        assertThat(dry.indexDeletes()).isEqualTo(real.indexDeletes());
        assertThat(dry.chunkDeletes()).isEqualTo(real.chunkDeletes());
        assertThat(dry.chunkWrites()).isEqualTo(real.chunkWrites());
        assertThat(dry.chunksRewritten()).isEqualTo(real.chunksRewritten());
        assertThat(dry.chunksKept()).isEqualTo(real.chunksKept());
        if (r.wholeChunks()) {
            assertThat(real.chunksKept()).isPositive();
            assertThat(real.chunksRewritten()).isZero();
        }

        PurgeSummary again = purge(purged, r, false, null);
        assertThat(again.chunksDeleted()).as("idempotent").isZero();
        assertThat(again.indexDeletesTotal()).isZero();
    }

    @Test
    void theCasesRewriteStraddlingChunksAndShareLabelNamesRowsAcrossTenants() {
        PurgeRequest r =
                request(
                        A,
                        "cpu_usage{job=\"api\"}",
                        "2019-05-02T10:00:00Z",
                        "2019-05-06T13:30:00Z",
                        false);
        PurgeSummary s = purge(written(all()), r, false, null);
        assertThat(s.chunksRewritten()).isPositive();
        // B has the same mem_bytes series as A: their v11+ label-names rows stay, for B.
        PurgeRequest all =
                request(A, "mem_bytes", "2019-05-01T00:00:00Z", "2019-05-10T00:00:00Z", false);
        s = purge(written(all()), all, false, null);
        assertThat(s.notes())
                .anyMatch(n -> n.contains("another tenant has chunks of the same series"));
    }

    /** An index client that crashes (an unchecked error, as a killed process) on one batch. */
    static final class CrashingIndex extends ForwardingIndexClient {
        final AtomicInteger left;

        CrashingIndex(IndexClient d, int okBatches) {
            super(d);
            this.left = new AtomicInteger(okBatches);
        }

        @Override
        public void batchWrite(WriteBatch batch) {
            if (!batch.deletes().isEmpty() && left.getAndDecrement() <= 0) {
                throw new IllegalStateException("simulated crash");
            }
            super.batchWrite(batch);
        }
    }

    static final class CrashingChunks extends ForwardingChunkClient {
        final AtomicInteger left;

        CrashingChunks(ChunkClient d, int ok) {
            super(d);
            this.left = new AtomicInteger(ok);
        }

        @Override
        public void deleteChunk(ChunkLocation chunk) {
            if (left.getAndDecrement() <= 0) {
                throw new IllegalStateException("simulated crash");
            }
            super.deleteChunk(chunk);
        }
    }

    @Test
    void aCrashedRunResumedFromItsCheckpointEndsAsAnUninterruptedOne(@TempDir Path dir) {
        PurgeRequest r =
                request(
                        A,
                        "cpu_usage{job=\"api\"}",
                        "2019-05-02T10:00:00Z",
                        "2019-05-06T13:30:00Z",
                        false);
        MemoryBackend uninterrupted = written(all());
        PurgeSummary whole = purge(uninterrupted, r, false, null);

        MemoryBackend b = written(all());
        Path file = dir.resolve("delete.json");
        Map<String, String> run = Map.of("tenant", r.tenant(), "selector", r.selector());
        // Crash between deleting a series' index entries and its chunks ...
        assertThatThrownBy(
                        () ->
                                purge(
                                        b,
                                        new CrashingChunks(b, 3),
                                        r,
                                        false,
                                        PurgeCheckpoint.open(file, run)))
                .hasMessage("simulated crash");
        assertThat(PurgeCheckpoint.open(file, run).pending()).isNotEmpty();
        // ... then in the middle of a later series' index deletes ...
        assertThatThrownBy(
                        () ->
                                purge(
                                        new CrashingIndex(b, 2),
                                        b,
                                        r,
                                        false,
                                        PurgeCheckpoint.open(file, run)))
                .hasMessage("simulated crash");
        // ... and resume.
        PurgeSummary resumed = purge(b, r, false, PurgeCheckpoint.open(file, run));
        assertThat(resumed.failures()).isEmpty();
        assertThat(resumed.resumedChunks()).isPositive();
        assertThat(PurgeCheckpoint.open(file, run).pending()).isEmpty();
        assertThat(dump(b)).isEqualTo(dump(uninterrupted));
        assertThat(resumed.chunksDeleted()).isEqualTo(whole.chunksDeleted());
        // Index counts of a resumed run are approximate (see PurgeSummary); the state is exact.
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused(@TempDir Path dir) {
        Path file = dir.resolve("delete.json");
        PurgeRequest r =
                request(A, "mem_bytes", "2019-05-01T00:00:00Z", "2019-05-10T00:00:00Z", false);
        purge(
                written(all()),
                r,
                false,
                PurgeCheckpoint.open(file, Map.of("selector", "mem_bytes")));
        assertThatThrownBy(() -> PurgeCheckpoint.open(file, Map.of("selector", "cpu_usage")))
                .hasMessageContaining("selector mem_bytes (checkpoint) vs cpu_usage (now)");
    }

    // ---- tenants

    static List<ChunkCodec.Encoded> withoutTenant(String tenant) {
        return all().stream().filter(c -> !c.chunk().userId().equals(tenant)).toList();
    }

    /** The in-memory index as a store that cannot scan by prefix (Cassandra, DynamoDB). */
    static final class WholeTableIndex extends ForwardingIndexClient {
        WholeTableIndex(IndexClient d) {
            super(d);
        }

        @Override
        public IndexScan.Mode scanMode() {
            return IndexScan.Mode.WHOLE_TABLE;
        }

        @Override
        public void scan(String tableName, String hashPrefix, IndexScan consumer) {
            assertThat(hashPrefix).isEmpty();
            super.scan(tableName, hashPrefix, consumer);
        }
    }

    static Stream<Arguments> tenants() {
        return Stream.of(
                Arguments.of(A, false),
                Arguments.of(B, false),
                Arguments.of(SHARD_LIKE, false),
                Arguments.of(A, true),
                Arguments.of(SHARD_LIKE, true));
    }

    @ParameterizedTest
    @MethodSource("tenants")
    void afterDeletingATenantTheStoreIsTheOracles(String tenant, boolean wholeTable) {
        MemoryBackend b = written(all());
        IndexClient index = wholeTable ? new WholeTableIndex(b) : b;
        Map<String, String> before = dump(b);
        PurgeSummary dry;
        PurgeSummary real;
        try (CompositeStore s = store(index, b)) {
            dry = Purger.builder(s).dryRun(true).clock(CLOCK).build().deleteTenant(tenant);
            assertThat(dump(b)).isEqualTo(before);
            real = Purger.builder(s).clock(CLOCK).build().deleteTenant(tenant);
        }
        assertThat(real.failures()).isEmpty();
        assertThat(dump(b)).isEqualTo(dump(written(withoutTenant(tenant))));
        assertThat(real.chunksDeleted())
                .isEqualTo(
                        DATA.stream()
                                .filter(d -> d.user().equals(tenant))
                                .findFirst()
                                .orElseThrow()
                                .allChunks()
                                .size());
        assertThat(dry.indexDeletes()).isEqualTo(real.indexDeletes());
        assertThat(dry.chunkDeletes()).isEqualTo(real.chunkDeletes());
    }

    @Test
    void aTenantDeleteCrashedAndResumedEndsAsAnUninterruptedOne(@TempDir Path dir) {
        MemoryBackend b = written(all());
        Path file = dir.resolve("tenant.json");
        Map<String, String> run = Map.of("tenant", A);
        try (CompositeStore s = store(b, new CrashingChunks(b, 50))) {
            assertThatThrownBy(
                            () ->
                                    Purger.builder(s)
                                            .checkpoint(PurgeCheckpoint.open(file, run))
                                            .clock(CLOCK)
                                            .build()
                                            .deleteTenant(A))
                    .hasMessage("simulated crash");
        }
        try (CompositeStore s = store(new CrashingIndex(b, 3), b)) {
            assertThatThrownBy(
                            () ->
                                    Purger.builder(s)
                                            .checkpoint(PurgeCheckpoint.open(file, run))
                                            .clock(CLOCK)
                                            .build()
                                            .deleteTenant(A))
                    .hasMessage("simulated crash");
        }
        try (CompositeStore s = store(b, b)) {
            PurgeSummary done =
                    Purger.builder(s)
                            .checkpoint(PurgeCheckpoint.open(file, run))
                            .clock(CLOCK)
                            .build()
                            .deleteTenant(A);
            assertThat(done.failures()).isEmpty();
        }
        assertThat(dump(b)).isEqualTo(dump(written(withoutTenant(A))));
    }

    @Test
    void labelsOfTheOracleAreThoseOfTheData() {
        // Guards the oracle itself: identical series across tenants A and B exist.
        TreeSet<String> a = new TreeSet<>();
        DATA.get(0).series().forEach(s -> a.add(s.labels().toString()));
        assertThat(DATA.get(1).series()).anyMatch(s -> a.contains(s.labels().toString()));
    }
}
