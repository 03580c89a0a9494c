package io.chunkstore.bench.jmh;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Cortex chunks encoded and decoded: a Bigchunk of {@code samples} samples (120-sample XOR
 * sub-chunks, a 15 s scrape of a counter with jitter) inside the chunk envelope (snappy-framed JSON
 * metadata, CRC-32C checksum). Encode = samples to stored bytes and external key; decode = stored
 * bytes, verified against the key, to samples. Counters: {@code bytes} (encoded bytes per second,
 * MB/s after dividing by 10^6) and {@code samples}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CortexChunkBenchmark {

    /** 120 samples = one sub-chunk (30 min at 15 s); 1,440 = twelve sub-chunks (6 h). */
    @Param({"120", "1440"})
    public int samples;

    private List<Sample> series;
    private byte[] encoded;
    private String key;

    /** Bytes and samples through the codec, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long samples;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            samples = 0;
        }
    }

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        series = new ArrayList<>(samples);
        long t = 1_709_254_800_000L;
        double v = 1_000;
        for (int i = 0; i < samples; i++) {
            t += 15_000 + r.nextInt(-50, 50);
            v += r.nextInt(0, 20);
            series.add(new Sample(t, v));
        }
        ChunkCodec.Encoded e =
                ChunkCodec.encode(Chunk.fromSamples(BenchLabels.USER, BenchLabels.SERIES, series));
        encoded = e.bytes();
        key = e.externalKey(KeyFormat.CURRENT);
    }

    @Benchmark
    public ChunkCodec.Encoded encode(Counters c) {
        ChunkCodec.Encoded e =
                ChunkCodec.encode(Chunk.fromSamples(BenchLabels.USER, BenchLabels.SERIES, series));
        c.bytes += e.bytes().length;
        c.samples += samples;
        return e;
    }

    @Benchmark
    public List<Sample> decode(Counters c) {
        List<Sample> out = ChunkCodec.decode(BenchLabels.USER, key, encoded).samples();
        c.bytes += encoded.length;
        c.samples += out.size();
        return out;
    }
}
