package io.chunkstore.bench.jmh;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.ParsedRangeValue;
import io.chunkstore.core.schema.RangeValue;
import io.chunkstore.core.schema.RangeValueMarker;
import io.chunkstore.core.schema.RangeValueParser;
import io.chunkstore.spi.IndexEntry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Index entries parsed per second ({@link RangeValueParser#parseChunkTimeRangeValue}, the read
 * path's parse of every entry a query returns, Cortex's {@code BenchmarkParseIndexEntries}):
 * {@value #ENTRIES} entries a schema writes (for v6: chunk entries with label values; for v11:
 * series label entries and series-to-chunk entries), parsed in one invocation. The score is entries
 * per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ParseIndexEntriesBenchmark {
    static final int ENTRIES = 10_000;

    @Param({"v6", "v11"})
    public String schema;

    private byte[][] ranges;
    private byte[][] values;

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
        IndexSchema s = IndexSchemas.forPeriod(period);
        long from =
                LocalDate.of(2024, 3, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                        + 3_600_000L;
        List<IndexEntry> parseable = new ArrayList<>();
        for (int series = 0; parseable.size() < ENTRIES; series++) {
            Labels labels =
                    Labels.of(
                            "__name__",
                            "http_requests_total",
                            "instance",
                            "10.0." + (series / 250) + "." + (series % 250) + ":9090",
                            "job",
                            "api-gateway",
                            "method",
                            "GET",
                            "status_code",
                            "200");
            Chunk c =
                    ChunkCodec.encode(
                                    Chunk.fromSamples(
                                            BenchLabels.USER,
                                            labels,
                                            List.of(
                                                    new Sample(from, 1),
                                                    new Sample(from + 3_600_000L, 2))))
                            .chunk();
            String id = c.externalKey(KeyFormat.forSchemaVersion(v.number()));
            for (IndexEntry e :
                    s.writeEntries(from, from + 3_600_000L, BenchLabels.USER, labels, id)) {
                var marker = RangeValue.decode(e.rangeValue()).marker().orElse(null);
                if (marker != RangeValueMarker.LABEL_NAMES_V1
                        && marker != RangeValueMarker.METRIC_NAME_V1
                        && parseable.size() < ENTRIES) {
                    parseable.add(e);
                }
            }
        }
        ranges = new byte[ENTRIES][];
        values = new byte[ENTRIES][];
        for (int i = 0; i < ENTRIES; i++) {
            ranges[i] = parseable.get(i).rangeValue();
            values[i] = parseable.get(i).value();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void parse(Blackhole bh) {
        for (int i = 0; i < ENTRIES; i++) {
            ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(ranges[i], values[i]);
            bh.consume(p);
        }
    }
}
