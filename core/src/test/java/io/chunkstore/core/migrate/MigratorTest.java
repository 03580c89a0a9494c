package io.chunkstore.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.migrate.MigrationFailure.Phase;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.core.testing.SeriesData;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration engine on in-memory backends whose whole contents can be compared. */
class MigratorTest {
    static final LocalDate START = LocalDate.of(2024, 1, 1);
    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;
    static final long T0 =
            LocalDate.of(2024, 3, 4).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    static final long FROM = T0;
    static final long TO = T0 + 2 * DAY;
    static final String BOTH_METRICS = "{__name__=~\"cpu_usage|mem_bytes\"}";
    static final Backoff.Config FAST_RETRY =
            new Backoff.Config(Duration.ofMillis(1), Duration.ofMillis(5), 3);

    @TempDir Path tmp;

    static PeriodConfig period(LocalDate from, SchemaVersion v, String prefix) {
        return new PeriodConfig(
                from,
                "memory",
                "memory",
                v,
                PeriodicTableConfig.of(prefix + "index_", Duration.ofDays(7)),
                PeriodicTableConfig.of(prefix + "chunks_", Duration.ofDays(7)),
                0);
    }

    static SchemaConfig schema(SchemaVersion v, String prefix) {
        return SchemaConfig.of(period(START, v, prefix));
    }

    static CompositeStore store(SchemaConfig s, MirrorBackend b) {
        return CompositeStore.builder(s)
                .clients(PeriodClientResolver.of(new PeriodClients(b, b)))
                .build();
    }

    /**
     * A source store of schema {@code s} holding generated series of {@code user} around the
     * migrated range.
     */
    record Source(
            SchemaConfig schema, MirrorBackend backend, CompositeStore store, SeriesData data) {
        /** The source keys of the chunks overlapping [FROM, TO) whose series match. */
        Set<String> expected(String selector) {
            return data.expectedKeys(FROM, TO - 1, Selectors.parseMatchers(selector), null, 0);
        }
    }

    static Source source(SchemaVersion v, String user, int series, long seed) {
        SchemaConfig s = schema(v, "src_");
        MirrorBackend b = new MirrorBackend();
        CompositeStore store = store(s, b);
        SeriesData data =
                SeriesData.generate(s, user, series, FROM - 12 * HOUR, TO + 12 * HOUR, seed);
        store.put(data.allChunks());
        return new Source(s, b, store, data);
    }

    static MigrationPlan.Builder plan() {
        return MigrationPlan.builder(FROM, TO)
                .match(BOTH_METRICS)
                .parallel(3)
                .batchSize(7)
                .retry(FAST_RETRY);
    }

    static MigrationSummary migrate(Source src, CompositeStore dest, MigrationPlan plan) {
        return new Migrator(MigrationSource.of(src.store), MigrationDestination.of(dest), plan)
                .run();
    }

    static void assertClean(MigrationSummary s) {
        assertThat(s.failures()).isEmpty();
        assertThat(s.complete()).isTrue();
        assertThat(s.stopped()).isFalse();
    }

    // ---- what is copied, and how

    @Test
    void sameTenantAndKeyFormatCopiesStoredBytesUnderTheSameKeys() {
        Source src = source(SchemaVersion.V10, "alice", 30, 1);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V11, "dst_"), db);
        MigrationSummary s =
                migrate(src, dest, plan().tenant("alice", "alice").verify(true).build());

        assertClean(s);
        Set<String> expected = src.expected(BOTH_METRICS);
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(new TreeSet<>(db.chunkKeys())).isEqualTo(expected);
        assertThat(s.found()).isEqualTo(expected.size());
        assertThat(s.copied()).isEqualTo(expected.size());
        assertThat(s.verbatim()).isEqualTo(expected.size());
        assertThat(s.rekeyed()).isZero();
        assertThat(s.reencoded()).isZero();
        assertThat(s.verified()).isEqualTo(expected.size());
        long bytes = 0;
        for (String key : expected) {
            byte[] stored =
                    db.chunk(dest.schemaConfig().chunkTableFor(ChunkRef.parse(key).from()), key);
            assertThat(stored).as(key).isEqualTo(src.data.chunk(key).bytes());
            bytes += stored.length;
        }
        assertThat(s.bytes()).isEqualTo(bytes);
        // The destination answers queries with the same chunks as the source.
        for (String metric : List.of("cpu_usage", "mem_bytes")) {
            List<LabelMatcher> q = Selectors.parseMatchers(metric + "{job=\"api\"}");
            assertThat(dest.get("alice", FROM, TO - 1, q))
                    .containsExactlyInAnyOrderElementsOf(src.store.get("alice", FROM, TO - 1, q));
        }
    }

    @Test
    void schemaChangeToV12KeepsTheBytesUnderV12Keys() {
        Source src = source(SchemaVersion.V10, "alice", 30, 2);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V12, "dst_"), db);
        MigrationSummary s =
                migrate(src, dest, plan().tenant("alice", "alice").verify(true).build());

        assertClean(s);
        Set<String> expected = src.expected(BOTH_METRICS);
        Set<String> v12 =
                expected.stream()
                        .map(k -> ChunkRef.parse(k).externalKey(KeyFormat.V12))
                        .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(db.chunkKeys())).isEqualTo(v12);
        assertThat(s.rekeyed()).isEqualTo(expected.size());
        assertThat(s.verbatim()).isZero();
        assertThat(s.verified()).isEqualTo(expected.size());
        for (String key : expected) {
            ChunkRef ref = ChunkRef.parse(key);
            byte[] stored =
                    db.chunk(
                            dest.schemaConfig().chunkTableFor(ref.from()),
                            ref.externalKey(KeyFormat.V12));
            assertThat(stored).isEqualTo(src.data.chunk(key).bytes());
        }
        // Found through the v12 index, under the v12 keys.
        List<IndexedChunk> refs =
                dest.chunkRefs("alice", FROM, TO - 1, Selectors.parseMatchers("cpu_usage"));
        assertThat(refs)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.externalKey()).matches("alice/[0-9a-f]+/.*"));
        assertThat(refs.stream().map(IndexedChunk::externalKey).collect(Collectors.toSet()))
                .isEqualTo(
                        v12.stream()
                                .filter(
                                        k ->
                                                src.data
                                                        .chunk(ChunkRef.parse(k).externalKey())
                                                        .chunk()
                                                        .labels()
                                                        .metricName()
                                                        .equals("cpu_usage"))
                                .collect(Collectors.toSet()));
    }

    @Test
    void destinationPeriodsDecideTheKeyFormOfEachChunk() {
        // v11 until T0 + 1d, v12 after: chunks starting before the switch keep their (current) key,
        // the others get
        // v12 keys, and a chunk spanning the switch is indexed in both periods.
        Source src = source(SchemaVersion.V11, "alice", 20, 3);
        SchemaConfig ds =
                SchemaConfig.of(
                        period(START, SchemaVersion.V11, "dst_"),
                        period(LocalDate.of(2024, 3, 5), SchemaVersion.V12, "dst12_"));
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(ds, db);
        MigrationSummary s =
                migrate(src, dest, plan().tenant("alice", "alice").verify(true).build());

        assertClean(s);
        Set<String> expected = src.expected(BOTH_METRICS);
        long switchAt = T0 + DAY;
        long before = expected.stream().filter(k -> ChunkRef.parse(k).from() < switchAt).count();
        assertThat(s.verbatim()).isEqualTo(before).isPositive();
        assertThat(s.rekeyed()).isEqualTo(expected.size() - before).isPositive();
        for (String key : expected) {
            ChunkRef ref = ChunkRef.parse(key);
            String want = ref.from() < switchAt ? key : ref.externalKey(KeyFormat.V12);
            assertThat(db.chunkKeys()).contains(want);
        }
        assertThat(db.snapshot().keySet())
                .anyMatch(k -> k.startsWith("index dst12_index_"))
                .anyMatch(k -> k.startsWith("index dst_index_"));
    }

    @Test
    void tenantRenameReencodesWithTheNewTenantAndKeepsThePayload() {
        Source src = source(SchemaVersion.V10, "alice", 20, 4);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V12, "dst_"), db);
        MigrationSummary s = migrate(src, dest, plan().tenant("alice", "bob").verify(true).build());

        assertClean(s);
        Set<String> expected = src.expected(BOTH_METRICS);
        assertThat(s.reencoded()).isEqualTo(expected.size());
        assertThat(db.chunkKeys()).hasSize(expected.size()).allMatch(k -> k.startsWith("bob/"));
        for (String key : expected) {
            Chunk old = src.data.chunk(key).chunk();
            Chunk renamed =
                    ChunkCodec.encode(
                                    Chunk.of(
                                            "bob",
                                            old.fingerprint(),
                                            old.labels(),
                                            old.from(),
                                            old.through(),
                                            old.encoding(),
                                            old.data()))
                            .chunk();
            String newKey = renamed.externalKey(KeyFormat.V12);
            assertThat(renamed.checksum()).isNotEqualTo(old.checksum());
            byte[] stored = db.chunk(dest.schemaConfig().chunkTableFor(old.from()), newKey);
            assertThat(stored).as(newKey).isNotNull();
            Chunk got = ChunkCodec.decode("bob", newKey, stored);
            assertThat(got.userId()).isEqualTo("bob");
            assertThat(got.fingerprint()).isEqualTo(old.fingerprint());
            assertThat(got.labels()).isEqualTo(old.labels());
            assertThat(got.samples()).isEqualTo(old.samples());
        }
        // Indexed under the new tenant only.
        List<LabelMatcher> q = Selectors.parseMatchers("mem_bytes");
        assertThat(dest.chunkRefs("alice", FROM, TO - 1, q)).isEmpty();
        assertThat(dest.get("bob", FROM, TO - 1, q))
                .extracting(Chunk::samples)
                .containsExactlyInAnyOrderElementsOf(
                        src.store.get("alice", FROM, TO - 1, q).stream()
                                .map(Chunk::samples)
                                .toList());
    }

    @Test
    void labelBytesThatAreNotUtf8SurviveARenameBitForBit() {
        // A series Go wrote with the byte 0xff in a label value: Cortex's jsoniter puts the byte
        // itself in the chunk.
        Labels labels =
                Labels.of(
                        "__name__",
                        "mem_bytes",
                        "k",
                        GoStrings.fromBytes(new byte[] {'a', (byte) 0xff}));
        SchemaConfig s = schema(SchemaVersion.V11, "src_");
        MirrorBackend sb = new MirrorBackend();
        CompositeStore srcStore = store(s, sb);
        Chunk original =
                Chunk.fromSamples(
                        "alice",
                        labels,
                        List.of(new Sample(FROM + 1000, 1.5), new Sample(FROM + 2000, 2.5)));
        srcStore.put(original);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V11, "dst_"), db);
        MigrationSummary summary =
                new Migrator(
                                MigrationSource.of(srcStore),
                                MigrationDestination.of(dest),
                                plan().tenant("alice", "bob").verify(true).build())
                        .run();

        assertClean(summary);
        assertThat(summary.reencoded()).isEqualTo(1);
        // The re-encoded chunk is what Go would write for bob: the same label bytes, the same
        // fingerprint.
        byte[] expected =
                ChunkCodec.encode(
                                Chunk.of(
                                        "bob",
                                        original.fingerprint(),
                                        labels,
                                        original.from(),
                                        original.through(),
                                        original.encoding(),
                                        original.data()))
                        .bytes();
        assertThat(db.chunkKeys())
                .singleElement()
                .satisfies(
                        key ->
                                assertThat(
                                                db.chunk(
                                                        dest.schemaConfig()
                                                                .chunkTableFor(original.from()),
                                                        key))
                                        .isEqualTo(expected));
        // Its index entries hash the raw bytes, so a selector on the value finds it.
        List<LabelMatcher> q = Selectors.parseMatchers("mem_bytes{k=\"a\\xff\"}");
        assertThat(dest.get("bob", FROM, TO - 1, q))
                .singleElement()
                .satisfies(
                        c ->
                                assertThat(GoStrings.bytes(c.labels().get("k")))
                                        .containsExactly('a', 0xff));
    }

    @Test
    void logChunksAreRenamedByTheirEnvelopeAlone() {
        // A log chunk's payload (a Loki MemChunk) holds no tenant: only the envelope changes.
        SchemaConfig ss = schema(SchemaVersion.V11, "src_");
        MirrorBackend sb = new MirrorBackend();
        CompositeStore sstore = store(ss, sb);
        byte[] memChunk =
                "not parsed by core: any MemChunk bytes"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Labels labels =
                Labels.of("__name__", "logs", "job", "varlogs", "filename", "/var/log/<syslog>&");
        ChunkCodec.Encoded log =
                ChunkCodec.encode(
                        Chunk.of(
                                "fake",
                                0x1234_5678_9abc_def0L,
                                labels,
                                FROM + 1001,
                                FROM + 7 * HOUR + 1,
                                ChunkEncoding.LOG,
                                memChunk));
        sstore.put(List.of(log));
        Source src = new Source(ss, sb, sstore, null);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V12, "dst_"), db);
        MigrationSummary s =
                migrate(
                        src,
                        dest,
                        MigrationPlan.builder(FROM, TO)
                                .tenant("fake", "tenant-1")
                                .impliedMetricName(MigrationPlan.LOKI_METRIC_NAME)
                                .verify(true)
                                .build());

        assertClean(s);
        assertThat(s.reencoded()).isEqualTo(1);
        String key = db.chunkKeys().get(0);
        Chunk got =
                ChunkCodec.decode(
                        ChunkRef.parse(key), db.chunk("dst_chunks_" + (FROM / 1000 / 604800), key));
        assertThat(got.userId()).isEqualTo("tenant-1");
        assertThat(got.encoding()).isEqualTo(ChunkEncoding.LOG);
        assertThat(got.data()).isEqualTo(memChunk);
        assertThat(got.labels()).isEqualTo(labels);
        assertThat(got.from()).isEqualTo(FROM + 1001);
        // Go's encoding/json style, as Loki writes the envelope: '<' and '&' escaped, times without
        // padding.
        String meta =
                new String(
                        db.chunk("dst_chunks_" + (FROM / 1000 / 604800), key),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(meta)
                .contains("\\u003csyslog\\u003e\\u0026")
                .contains("\"from\":" + (FROM + 1001) / 1000 + ".001");
    }

    @Test
    void legacyChunksWithoutChecksumGetOneForV12Keys() {
        SchemaConfig ss = schema(SchemaVersion.V9, "src_");
        MirrorBackend sb = new MirrorBackend();
        CompositeStore sstore = store(ss, sb);
        Labels labels = Labels.of("__name__", "up", "job", "old");
        ChunkCodec.Encoded fresh =
                ChunkCodec.encode(
                        Chunk.fromSamples(
                                "alice",
                                labels,
                                List.of(
                                        new Sample(FROM + HOUR, 1),
                                        new Sample(FROM + 2 * HOUR, 2))));
        Chunk noChecksum =
                Chunk.of(
                        "alice",
                        fresh.chunk().fingerprint(),
                        labels,
                        fresh.chunk().from(),
                        fresh.chunk().through(),
                        fresh.chunk().encoding(),
                        fresh.chunk().data());
        sstore.put(List.of(new ChunkCodec.Encoded(noChecksum, fresh.bytes())));
        String legacyKey = noChecksum.externalKey();
        assertThat(legacyKey).doesNotContain(":" + Integer.toHexString(fresh.chunk().checksum()));
        Source src = new Source(ss, sb, sstore, null);

        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V12, "dst_"), db);
        MigrationSummary s =
                migrate(
                        src,
                        dest,
                        MigrationPlan.builder(FROM, TO)
                                .tenant("alice", "alice")
                                .match("up")
                                .verify(true)
                                .build());

        assertClean(s);
        assertThat(s.rekeyed()).isEqualTo(1);
        assertThat(db.chunkKeys()).containsExactly(fresh.chunk().externalKey(KeyFormat.V12));
        // Into a v11 destination the legacy key stays as it was.
        MirrorBackend db11 = new MirrorBackend();
        MigrationSummary s11 =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), db11),
                        MigrationPlan.builder(FROM, TO)
                                .tenant("alice", "alice")
                                .match("up")
                                .verify(true)
                                .build());
        assertClean(s11);
        assertThat(s11.verbatim()).isEqualTo(1);
        assertThat(db11.chunkKeys()).containsExactly(legacyKey);
    }

    // ---- selection

    @Test
    void matchersSelectSeriesThroughTheIndexAndFilterFetchedChunks() {
        Source src = source(SchemaVersion.V11, "alice", 40, 5);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V11, "dst_"), db);
        String sel =
                "cpu_usage{job=~\"api|web\", env=\"\"}"; // env="" is applied to fetched chunks only
        MigrationSummary s =
                migrate(src, dest, plan().tenant("alice", "alice").match(sel).verify(true).build());
        assertClean(s);

        Set<String> expected = new TreeSet<>(src.expected(sel));
        Set<String> viaIndex = src.expected("cpu_usage{job=~\"api|web\"}");
        // plan() also matches both metrics in full; narrow to the selector alone for the count
        // checks.
        MirrorBackend db2 = new MirrorBackend();
        MigrationSummary s2 =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), db2),
                        MigrationPlan.builder(FROM, TO)
                                .tenant("alice", "alice")
                                .match(sel)
                                .parallel(2)
                                .batchSize(4)
                                .build());
        assertClean(s2);
        assertThat(new TreeSet<>(db2.chunkKeys())).isEqualTo(expected);
        assertThat(expected).isNotEmpty().hasSizeLessThan(viaIndex.size());
        assertThat(s2.found()).isEqualTo(viaIndex.size());
        assertThat(s2.filtered()).isEqualTo(viaIndex.size() - expected.size());
        assertThat(s2.copied()).isEqualTo(expected.size());
        // Two selectors are a union; a chunk both select is copied once.
        assertThat(new TreeSet<>(db.chunkKeys())).isEqualTo(src.expected(BOTH_METRICS));
    }

    // ---- shards

    @Test
    void chunksSpanningShardsAreMigratedOnceByTheShardOfTheirFrom() {
        Source src = source(SchemaVersion.V11, "alice", 30, 6);
        MirrorBackend db = new MirrorBackend();
        CompositeStore dest = store(schema(SchemaVersion.V11, "dst_"), db);
        List<String> shardOfChunk = java.util.Collections.synchronizedList(new ArrayList<>());
        MigrationPlan p = plan().tenant("alice", "alice").shardBy(Duration.ofHours(3)).build();
        MigrationSummary s =
                new Migrator(MigrationSource.of(src.store), MigrationDestination.of(dest), p)
                        .listener(
                                new MigrationListener() {
                                    @Override
                                    public void shardListed(Shard shard, int chunks) {
                                        shardOfChunk.add(shard.id() + " " + chunks);
                                    }
                                })
                        .run();
        assertClean(s);
        assertThat(s.shardsTotal()).isEqualTo(16);
        Set<String> expected = src.expected(BOTH_METRICS);
        assertThat(db.putsPerKey).hasSize(expected.size());
        assertThat(db.putsPerKey.values()).allMatch(n -> n.get() == 1);
        // Many chunks last longer than a 3h shard, so other shards found and skipped them.
        long spanning =
                expected.stream()
                        .mapToLong(
                                k -> {
                                    ChunkRef r = ChunkRef.parse(k);
                                    long first = Math.max(0, (r.from() - FROM) / (3 * HOUR));
                                    long last = Math.min(15, (r.through() - FROM) / (3 * HOUR));
                                    return last - first;
                                })
                        .sum();
        assertThat(s.skipped()).isEqualTo(spanning).isPositive();
        // Chunks starting before --from belong to the first shard; none starting at or after --to
        // is copied.
        assertThat(expected).anyMatch(k -> ChunkRef.parse(k).from() < FROM);
        assertThat(src.data.allChunks()).anyMatch(c -> c.chunk().from() >= TO);
        assertThat(db.chunkKeys()).noneMatch(k -> ChunkRef.parse(k).from() >= TO);
        assertThat(shardOfChunk).hasSize(16);
    }

    @Test
    void shardOwnershipAtTheBoundaries() {
        Shard first = new Shard("t", "t", 0, 1000, 2000);
        Shard second = new Shard("t", "t", 1, 2000, 3000);
        assertThat(first.owns(500)).isTrue();
        assertThat(first.owns(1999)).isTrue();
        assertThat(second.owns(1999)).isFalse();
        assertThat(second.owns(2000)).isTrue();
        assertThat(second.through()).isEqualTo(2999);
        MigrationPlan p =
                MigrationPlan.builder(0, 10 * HOUR + 5)
                        .tenant("a", "b")
                        .tenant("c", "c")
                        .match("m")
                        .shardBy(Duration.ofHours(4))
                        .build();
        assertThat(p.shards("a"))
                .extracting(Shard::from, Shard::to)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 4 * HOUR),
                        org.assertj.core.groups.Tuple.tuple(4 * HOUR, 8 * HOUR),
                        org.assertj.core.groups.Tuple.tuple(8 * HOUR, 10 * HOUR + 5));
        assertThat(p.allShards())
                .extracting(Shard::id)
                .containsExactly(
                        "a/0", "c/0", "a/14400000", "c/14400000", "a/28800000", "c/28800000");
        assertThat(p.allShards().get(0).destTenant()).isEqualTo("b");
    }

    // ---- checkpoints, stops and crashes

    @Test
    void aStoppedRunResumesFromItsCheckpointToTheSameDestination() {
        Source src = source(SchemaVersion.V10, "alice", 30, 7);
        MigrationPlan p = plan().tenant("alice", "carol").shardBy(Duration.ofHours(4)).build();

        MirrorBackend whole = new MirrorBackend();
        assertClean(migrate(src, store(schema(SchemaVersion.V12, "dst_"), whole), p));

        MirrorBackend db = new MirrorBackend();
        Path file = tmp.resolve("ckpt.json");
        AtomicInteger ended = new AtomicInteger();
        Migrator first =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V12, "dst_"), db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()));
        first.listener(
                new MigrationListener() {
                    @Override
                    public void shardEnded(Shard shard, boolean done) {
                        if (ended.incrementAndGet() == 4) {
                            first.stop();
                        }
                    }
                });
        MigrationSummary s1 = first.run();
        assertThat(s1.stopped()).isTrue();
        assertThat(s1.complete()).isFalse();
        assertThat(s1.shardsDone()).isBetween(4, 6);
        int putsFirst = db.chunkPuts.get();
        assertThat(Checkpoint.open(file, p.identity()).doneShards()).hasSize(s1.shardsDone());

        MigrationSummary s2 =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V12, "dst_"), db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertClean(s2);
        assertThat(s2.shardsResumed()).isEqualTo(s1.shardsDone());
        assertThat(s2.copied()).isEqualTo(src.expected(BOTH_METRICS).size());
        assertThat(db.snapshot()).isEqualTo(whole.snapshot());
        // Nothing was written twice: the resumed run did only what was left.
        assertThat(db.chunkPuts.get()).isEqualTo(whole.chunkPuts.get());
        assertThat(putsFirst).isPositive().isLessThan(whole.chunkPuts.get());
    }

    @Test
    void aShardStoppedHalfWayResumesAfterItsLastWrittenKey() {
        Source src = source(SchemaVersion.V11, "alice", 30, 8);
        MigrationPlan p =
                plan().tenant("alice", "alice")
                        .shardBy(Duration.ofDays(1))
                        .parallel(1)
                        .batchSize(5)
                        .build();
        MirrorBackend whole = new MirrorBackend();
        assertClean(migrate(src, store(schema(SchemaVersion.V12, "dst_"), whole), p));

        MirrorBackend db = new MirrorBackend();
        Path file = tmp.resolve("half.json");
        AtomicInteger batches = new AtomicInteger();
        Migrator first =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V12, "dst_"), db)),
                                p)
                        .checkpoint(
                                Checkpoint.open(file, p.identity())
                                        .progressInterval(Duration.ofHours(1)));
        first.listener(
                new MigrationListener() {
                    @Override
                    public void batchWritten(Shard shard, int chunks, long bytes) {
                        if (batches.incrementAndGet() == 3) {
                            first.stop();
                        }
                    }
                });
        MigrationSummary s1 = first.run();
        assertThat(s1.shardsDone()).isZero();
        assertThat(s1.copied()).isEqualTo(15);
        JsonNode saved = json(file).path("shards").path("alice/" + FROM);
        assertThat(saved.path("state").asText()).isEqualTo("PARTIAL");
        assertThat(saved.path("copied").asLong()).isEqualTo(15);
        assertThat(saved.path("lastKey").asText()).isNotEmpty();

        MigrationSummary s2 =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V12, "dst_"), db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertClean(s2);
        assertThat(db.snapshot()).isEqualTo(whole.snapshot());
        assertThat(db.putsPerKey.values()).allMatch(n -> n.get() == 1);
        assertThat(s2.copied()).isEqualTo(whole.chunkPuts.get());
        assertThat(s2.found()).isEqualTo(src.expected(BOTH_METRICS).size());
    }

    /** What a kill -9 looks like from inside: an Error no code path catches. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash");
        }
    }

    @Test
    void aCrashedRunResumesToExactlyTheDestinationOfAnUninterruptedOne() throws Exception {
        Source src = source(SchemaVersion.V10, "alice", 30, 9);
        MigrationPlan p =
                plan().tenant("alice", "dave").shardBy(Duration.ofHours(3)).verify(true).build();
        SchemaConfig ds =
                SchemaConfig.of(
                        period(START, SchemaVersion.V11, "dst_"),
                        period(LocalDate.of(2024, 3, 5), SchemaVersion.V12, "dst12_"));

        MirrorBackend whole = new MirrorBackend();
        assertClean(migrate(src, store(ds, whole), p));

        MirrorBackend db = new MirrorBackend();
        AtomicInteger puts = new AtomicInteger();
        db.beforePutChunks =
                c -> {
                    if (puts.incrementAndGet() == 9) {
                        throw new SimulatedCrash();
                    }
                };
        Path file = tmp.resolve("crash.json");
        Migrator crashing =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(store(ds, db)),
                                p)
                        .checkpoint(
                                Checkpoint.open(file, p.identity())
                                        .progressInterval(Duration.ZERO));
        assertThatThrownBy(crashing::run).isInstanceOf(SimulatedCrash.class);
        assertThat(Files.list(tmp).map(f -> f.getFileName().toString()))
                .containsExactly("crash.json");
        int done = Checkpoint.open(file, p.identity()).doneShards().size();
        assertThat(done).isLessThan(16);

        db.beforePutChunks = c -> {};
        MigrationSummary s =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(store(ds, db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertClean(s);
        assertThat(s.shardsResumed()).isEqualTo(done);
        assertThat(s.verified()).isEqualTo(src.expected(BOTH_METRICS).size());
        assertThat(db.snapshot()).isEqualTo(whole.snapshot());
        // A rerun of a finished migration changes nothing and copies nothing.
        MigrationSummary again =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(store(ds, db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertThat(again.shardsResumed()).isEqualTo(16);
        assertThat(db.snapshot()).isEqualTo(whole.snapshot());
    }

    @Test
    void aRerunWithoutCheckpointIsIdempotent() {
        Source src = source(SchemaVersion.V10, "alice", 20, 10);
        MirrorBackend db = new MirrorBackend();
        MigrationPlan p = plan().tenant("alice", "bob").build();
        assertClean(migrate(src, store(schema(SchemaVersion.V12, "dst_"), db), p));
        Map<String, String> once = db.snapshot();
        assertClean(migrate(src, store(schema(SchemaVersion.V12, "dst_"), db), p));
        assertThat(db.snapshot()).isEqualTo(once);
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingTheDifferences() throws Exception {
        Source src = source(SchemaVersion.V11, "alice", 5, 11);
        MigrationPlan p =
                plan().tenant("alice", "alice").identities("src.yaml", "dst.yaml").build();
        Path file = tmp.resolve("other.json");
        assertClean(
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(
                                                schema(SchemaVersion.V11, "dst_"),
                                                new MirrorBackend())),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run());

        MigrationPlan other =
                MigrationPlan.builder(FROM, TO + HOUR)
                        .match(BOTH_METRICS)
                        .tenant("alice", "zed")
                        .identities("src.yaml", "elsewhere.yaml")
                        .build();
        assertThatThrownBy(() -> Checkpoint.open(file, other.identity()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("belongs to a different run")
                .hasMessageContaining("--to")
                .hasMessageContaining("--tenant")
                .hasMessageContaining("destination: dst.yaml (checkpoint)")
                .hasMessageNotContaining("--from")
                .hasMessageContaining("new --checkpoint file");
        // Parallelism, batch size and verification may change.
        MigrationPlan tuned =
                plan().tenant("alice", "alice")
                        .identities("src.yaml", "dst.yaml")
                        .parallel(1)
                        .batchSize(100)
                        .verify(true)
                        .build();
        assertThat(Checkpoint.open(file, tuned.identity()).doneShards()).hasSize(8);

        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> Checkpoint.open(file, p.identity()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a migrate checkpoint");
        assertThatThrownBy(
                        () ->
                                new Migrator(
                                                MigrationSource.of(src.store),
                                                MigrationDestination.of(
                                                        store(
                                                                schema(SchemaVersion.V11, "dst_"),
                                                                new MirrorBackend())),
                                                p)
                                        .checkpoint(Checkpoint.inMemory(other.identity())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCheckpointFileRecordsTheRunAndEachShard() throws Exception {
        Source src = source(SchemaVersion.V11, "alice", 10, 12);
        MigrationPlan p = plan().tenant("alice", "bob").identities("a", "b").build();
        Path file = tmp.resolve("sub/dir/ckpt.json");
        MigrationSummary s =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(
                                                schema(SchemaVersion.V11, "dst_"),
                                                new MirrorBackend())),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertClean(s);
        JsonNode j = json(file);
        assertThat(j.path("format").asInt()).isEqualTo(1);
        assertThat(j.path("run").path("tenants").path("alice").asText()).isEqualTo("bob");
        assertThat(j.path("run").path("selectors").get(0).asText()).isEqualTo(BOTH_METRICS);
        assertThat(j.path("shards").size()).isEqualTo(8);
        long copied = 0;
        for (JsonNode shard : j.path("shards")) {
            assertThat(shard.path("state").asText()).isEqualTo("DONE");
            copied += shard.path("copied").asLong();
        }
        assertThat(copied).isEqualTo(s.copied());
        assertThat(Files.list(file.getParent()).count()).isEqualTo(1);
    }

    // ---- the source is never modified

    @Test
    void theSourceIsUnchangedAndNeverWritten() {
        Source src = source(SchemaVersion.V10, "alice", 20, 13);
        Map<String, String> before = src.backend.snapshot();
        int indexWrites = src.backend.indexWrites.get();
        int chunkWrites = src.backend.chunkWrites.get();
        MirrorBackend db = new MirrorBackend();
        assertClean(
                migrate(
                        src,
                        store(schema(SchemaVersion.V12, "dst_"), db),
                        plan().tenant("alice", "bob").verify(true).build()));
        assertThat(src.backend.snapshot()).isEqualTo(before);
        assertThat(src.backend.indexWrites.get()).isEqualTo(indexWrites);
        assertThat(src.backend.chunkWrites.get()).isEqualTo(chunkWrites);
        assertThat(src.backend.deletes.get()).isZero();
        assertThat(src.backend.tablesCreated.get()).isZero();
        // Structurally: the engine's view of the source has no write method.
        assertThat(MigrationSource.class.getMethods())
                .extracting(java.lang.reflect.Method::getName)
                .doesNotContain("put", "putOne", "putChunks", "batchWrite", "deleteChunk");
    }

    // ---- failures

    @Test
    void aCorruptSourceChunkIsReportedAndTheRestGoesOn() {
        Source src = source(SchemaVersion.V11, "alice", 20, 14);
        List<String> keys = new ArrayList<>(src.expected(BOTH_METRICS));
        String bad = keys.get(keys.size() / 2);
        String table = src.schema.chunkTableFor(ChunkRef.parse(bad).from());
        byte[] bytes = src.data.chunk(bad).bytes().clone();
        bytes[bytes.length - 3] ^= 0x5a;
        src.backend.corrupt(table, bad, bytes);
        MirrorBackend db = new MirrorBackend();
        List<MigrationFailure> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        MigrationSummary s =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V11, "dst_"), db)),
                                plan().tenant("alice", "alice").verify(true).build())
                        .listener(
                                new MigrationListener() {
                                    @Override
                                    public void failed(MigrationFailure f) {
                                        heard.add(f);
                                    }
                                })
                        .run();

        assertThat(s.failed()).isEqualTo(1);
        MigrationFailure f = s.failures().get(0);
        assertThat(f.sourceKey()).isEqualTo(bad);
        assertThat(f.phase()).isEqualTo(Phase.FETCH);
        assertThat(f.reason()).contains("invalid chunk checksum");
        assertThat(heard).containsExactly(f);
        assertThat(s.complete()).isTrue();
        assertThat(s.copied()).isEqualTo(keys.size() - 1);
        assertThat(s.verified()).isEqualTo(keys.size() - 1);
        assertThat(db.chunkKeys()).hasSize(keys.size() - 1).doesNotContain(bad);
    }

    @Test
    void retryableWriteErrorsAreRetried() {
        Source src = source(SchemaVersion.V11, "alice", 10, 15);
        MirrorBackend db = new MirrorBackend();
        Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();
        db.beforePutChunks =
                c -> {
                    // every batch fails twice, then goes through (the retry allows 5)
                    if (attempts.computeIfAbsent(c.get(0).key(), k -> new AtomicInteger())
                                    .incrementAndGet()
                            <= 2) {
                        throw new UnavailableException("node down (injected)");
                    }
                };
        MigrationSummary s =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), db),
                        plan().tenant("alice", "alice")
                                .retry(
                                        new Backoff.Config(
                                                Duration.ofMillis(1), Duration.ofMillis(2), 5))
                                .build());
        assertClean(s);
        assertThat(db.chunkKeys()).hasSize(src.expected(BOTH_METRICS).size());
        assertThat(attempts.values()).isNotEmpty().allMatch(n -> n.get() == 3);
    }

    @Test
    void whenRetriesRunOutTheShardIsLeftForTheNextRun() {
        Source src = source(SchemaVersion.V11, "alice", 10, 16);
        MirrorBackend db = new MirrorBackend();
        db.beforePutChunks =
                c -> {
                    if (c.stream().anyMatch(e -> ChunkRef.parse(e.key()).from() >= FROM + DAY)) {
                        throw new UnavailableException("second day unreachable (injected)");
                    }
                };
        MigrationPlan p =
                plan().tenant("alice", "alice").shardBy(Duration.ofDays(1)).batchSize(500).build();
        Path file = tmp.resolve("retry.json");
        MigrationSummary s =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V11, "dst_"), db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertThat(s.complete()).isFalse();
        assertThat(s.stopped()).isFalse();
        assertThat(s.shardsDone()).isEqualTo(1);
        assertThat(s.failures())
                .isNotEmpty()
                .allSatisfy(
                        f -> {
                            assertThat(f.phase()).isEqualTo(Phase.WRITE);
                            assertThat(f.reason())
                                    .contains("second day unreachable")
                                    .contains("left for the next run");
                            assertThat(f.shard()).isEqualTo("alice/" + (FROM + DAY));
                        });
        db.beforePutChunks = c -> {};
        MigrationSummary again =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(
                                        store(schema(SchemaVersion.V11, "dst_"), db)),
                                p)
                        .checkpoint(Checkpoint.open(file, p.identity()))
                        .run();
        assertClean(again);
        assertThat(new TreeSet<>(db.chunkKeys())).isEqualTo(src.expected(BOTH_METRICS));
    }

    @Test
    void aChunkTheDestinationRefusesFailsAloneAndItsBatchIsWritten() {
        Source src = source(SchemaVersion.V11, "alice", 10, 17);
        List<String> keys = new ArrayList<>(src.expected(BOTH_METRICS));
        String refused = keys.get(3);
        MirrorBackend db = new MirrorBackend();
        db.beforePutChunks =
                c -> {
                    if (c.stream().anyMatch(e -> e.key().equals(refused))) {
                        throw new InvalidRequestException(
                                "chunk too large for this store (injected)");
                    }
                };
        MigrationSummary s =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), db),
                        plan().tenant("alice", "alice").batchSize(50).build());
        assertThat(s.failures())
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.sourceKey()).isEqualTo(refused);
                            assertThat(f.phase()).isEqualTo(Phase.WRITE);
                            assertThat(f.reason())
                                    .contains("refused by the destination")
                                    .contains("too large");
                        });
        assertThat(s.complete()).isTrue();
        assertThat(db.chunkKeys()).hasSize(keys.size() - 1);
    }

    @Test
    void missingDestinationTablesAreCreatedOnRequest() {
        Source src = source(SchemaVersion.V11, "alice", 10, 18);
        MirrorBackend db = new MirrorBackend();
        db.memory.strictTables = true;
        SchemaConfig ds = schema(SchemaVersion.V12, "dst_");
        MigrationPlan p = plan().tenant("alice", "alice").build();
        MigrationSummary without = migrate(src, store(ds, db), p);
        assertThat(without.failures())
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.reason()).contains("--create-tables"));
        assertThat(without.complete()).isFalse();

        DestinationTables tables =
                new DestinationTables(ds, store -> db, TableManagerConfig.DEFAULT);
        MigrationSummary with =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(store(ds, db), tables),
                                p)
                        .run();
        assertClean(with);
        assertThat(db.listTables()).containsExactly("dst_chunks_2826", "dst_index_2826");
    }

    @Test
    void verificationCatchesLostIndexEntriesAndAlteredChunks() {
        Source src = source(SchemaVersion.V11, "alice", 10, 21);
        int n = src.expected(BOTH_METRICS).size();
        MirrorBackend lossy = new MirrorBackend();
        lossy.loseIndexWrites = true;
        MigrationSummary s =
                migrate(
                        src,
                        store(schema(SchemaVersion.V12, "dst_"), lossy),
                        plan().tenant("alice", "bob").verify(true).build());
        assertThat(s.verified()).isZero();
        assertThat(s.failures())
                .hasSize(n)
                .allSatisfy(
                        f -> {
                            assertThat(f.phase()).isEqualTo(Phase.VERIFY);
                            assertThat(f.destKey()).startsWith("bob/");
                            assertThat(f.reason())
                                    .contains("not found through the destination index");
                        });
        assertThat(s.complete()).isFalse(); // left for the next run to write again

        MirrorBackend altering = new MirrorBackend();
        String victim = new ArrayList<>(src.expected(BOTH_METRICS)).get(2);
        altering.alterChunk =
                c -> {
                    if (!c.key().equals(victim)) {
                        return c;
                    }
                    byte[] b = c.encoded().clone();
                    b[b.length - 1] ^= 1;
                    return new io.chunkstore.spi.EncodedChunk(c.key(), c.tableName(), b);
                };
        MigrationSummary t =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), altering),
                        plan().tenant("alice", "alice").verify(true).build());
        assertThat(t.failures())
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.sourceKey()).isEqualTo(victim);
                            assertThat(f.phase()).isEqualTo(Phase.VERIFY);
                            assertThat(f.reason())
                                    .contains("read back")
                                    .contains("invalid chunk checksum");
                        });
        assertThat(t.verified()).isEqualTo(n - 1);
        // Without --verify the same destination goes unnoticed: verification is what finds it.
        MigrationSummary u =
                migrate(
                        src,
                        store(schema(SchemaVersion.V11, "dst_"), altering),
                        plan().tenant("alice", "alice").build());
        assertClean(u);
    }

    @Test
    void aRangeBeforeTheDestinationsFirstPeriodIsRefused() {
        Source src = source(SchemaVersion.V11, "alice", 3, 19);
        SchemaConfig late =
                SchemaConfig.of(period(LocalDate.of(2024, 3, 5), SchemaVersion.V12, "dst_"));
        assertThatThrownBy(
                        () ->
                                migrate(
                                        src,
                                        store(late, new MirrorBackend()),
                                        plan().tenant("alice", "a").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("first schema period (2024-03-05)");
    }

    @Test
    void aDryRunWritesNothingAndPredictsTheKinds() throws Exception {
        Source src = source(SchemaVersion.V11, "alice", 20, 20);
        SchemaConfig ds =
                SchemaConfig.of(
                        period(START, SchemaVersion.V11, "dst_"),
                        period(LocalDate.of(2024, 3, 5), SchemaVersion.V12, "dst12_"));
        MirrorBackend db = new MirrorBackend();
        MigrationPlan dry = plan().tenant("alice", "alice").dryRun(true).build();
        Path file = tmp.resolve("dry.json");
        MigrationSummary s =
                new Migrator(
                                MigrationSource.of(src.store),
                                MigrationDestination.of(store(ds, db)),
                                dry)
                        .checkpoint(Checkpoint.open(file, dry.identity()))
                        .run();
        assertThat(s.dryRun()).isTrue();
        assertThat(db.snapshot()).isEmpty();
        assertThat(file).doesNotExist();
        MigrationSummary real =
                migrate(
                        src,
                        store(ds, new MirrorBackend()),
                        plan().tenant("alice", "alice").build());
        assertThat(s.found()).isEqualTo(real.copied());
        assertThat(s.verbatim()).isEqualTo(real.verbatim());
        assertThat(s.rekeyed()).isEqualTo(real.rekeyed());
        assertThat(s.copied()).isZero();
    }

    // ---- plans

    @Test
    void plansNeedMetricNamesUnlessTheStoreIsLoki() {
        assertThatThrownBy(() -> MigrationPlan.builder(0, 1).tenant("a", "a").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no --match given");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.builder(0, 1)
                                        .tenant("a", "a")
                                        .match("{job=\"x\"}")
                                        .build())
                .hasMessageContaining("has no metric name");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.builder(0, 1)
                                        .tenant("a", "a")
                                        .match("{__name__=~\"cpu_.*\"}")
                                        .build())
                .hasMessageContaining("must be literal metric names");
        assertThatThrownBy(
                        () ->
                                MigrationPlan.builder(0, 1)
                                        .tenant("a", "a")
                                        .match("{__name__!=\"x\"}")
                                        .build())
                .hasMessageContaining("cannot select metrics");
        assertThatThrownBy(() -> MigrationPlan.builder(0, 1).tenant("a", "a").match("{x=").build())
                .hasMessageContaining("--match {x=");
        assertThatThrownBy(() -> MigrationPlan.builder(5, 5).tenant("a", "a").match("m").build())
                .hasMessageContaining("range is empty");
        assertThatThrownBy(() -> MigrationPlan.builder(0, 1).match("m").build())
                .hasMessageContaining("no tenant given");
        assertThatThrownBy(() -> MigrationPlan.builder(0, 1).tenant("a/b", "a"))
                .hasMessageContaining("'/'");

        MigrationPlan set =
                MigrationPlan.builder(0, 1)
                        .tenant("a", "a")
                        .match("{__name__=~\"up|cpu|up\", job=\"x\"}")
                        .build();
        assertThat(set.lookups())
                .extracting(Object::toString)
                .containsExactly("[__name__=\"up\", job=\"x\"]", "[__name__=\"cpu\", job=\"x\"]");
        MigrationPlan loki =
                MigrationPlan.builder(0, 1).tenant("a", "a").impliedMetricName("logs").build();
        assertThat(loki.lookups())
                .extracting(Object::toString)
                .containsExactly("[__name__=\"logs\"]");
        MigrationPlan lokiSel =
                MigrationPlan.builder(0, 1)
                        .tenant("a", "a")
                        .impliedMetricName("logs")
                        .match("{job=\"varlogs\"}")
                        .build();
        assertThat(lokiSel.lookups())
                .extracting(Object::toString)
                .containsExactly("[__name__=\"logs\", job=\"varlogs\"]");
        assertThat(lokiSel.selects(Labels.of("__name__", "logs", "job", "varlogs"))).isTrue();
        assertThat(lokiSel.selects(Labels.of("__name__", "logs", "job", "other"))).isFalse();
    }

    static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
