package io.chunkstore.bench.jmh;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.spi.IndexEntry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Index entries one chunk writes (label entries of its series plus its chunk entries, no dedupe
 * cache), per schema: Cortex's {@code GetWriteEntries} path run for every flushed chunk. The {@code
 * entries} counter is entries per second; the primary score is chunks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WriteEntriesBenchmark {

    @Param({"v9", "v10", "v11", "v12"})
    public String schema;

    private IndexSchema indexSchema;
    private long from;
    private long through;
    private String chunkId;

    /** Entries generated, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long entries;

        @Setup(Level.Iteration)
        public void reset() {
            entries = 0;
        }
    }

    @Setup
    public void setup() {
        SchemaVersion v = SchemaVersion.parse(schema);
        PeriodConfig period =
                new PeriodConfig(
                        LocalDate.of(2020, 1, 1),
                        "cassandra",
                        "cassandra",
                        v,
                        PeriodicTableConfig.of("index_", Duration.ofDays(7)),
                        PeriodicTableConfig.of("chunks_", Duration.ofDays(7)),
                        0);
        indexSchema = IndexSchemas.forPeriod(period);
        from =
                LocalDate.of(2024, 3, 1)
                                .atStartOfDay(java.time.ZoneOffset.UTC)
                                .toInstant()
                                .toEpochMilli()
                        + 3_600_000L;
        through = from + 2 * 3_600_000L;
        List<Sample> samples = new ArrayList<>();
        for (long t = from; t <= through; t += 15_000) {
            samples.add(new Sample(t, t / 1000.0));
        }
        Chunk c =
                ChunkCodec.encode(Chunk.fromSamples(BenchLabels.USER, BenchLabels.SERIES, samples))
                        .chunk();
        chunkId = c.externalKey(KeyFormat.forSchemaVersion(v.number()));
    }

    @Benchmark
    public List<IndexEntry> writeEntries(Counters counters) {
        List<IndexEntry> out =
                indexSchema.writeEntries(
                        from, through, BenchLabels.USER, BenchLabels.SERIES, chunkId);
        counters.entries += out.size();
        return out;
    }
}
