package io.chunkstore.bench.jmh;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.chunk.SampleData;
import io.chunkstore.core.chunk.SampleIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Sample decode per Cortex encoding, payloads only (the envelope is {@link
 * CortexChunkBenchmark}'s): DoubleDelta and Varbit are the 12 chunks each that Cortex v1.13.2's
 * encoder wrote in testdata/golden/cortex-encodings (found from the working directory up, or {@code
 * -Dchunkstore.golden.dir}); Bigchunk and PrometheusXorChunk hold the samples of all 24, one chunk
 * each. One operation decodes every chunk of the set through its {@link SampleIterator}. Counters:
 * {@code samples} and {@code bytes} (payload bytes) per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SampleDecodeBenchmark {
    @Param({"DoubleDelta", "Varbit", "Bigchunk", "PrometheusXorChunk"})
    public String encoding;

    private ChunkEncoding enc;
    private final List<byte[]> payloads = new ArrayList<>();
    private long payloadBytes;

    /** Samples and payload bytes decoded, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long samples;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            samples = 0;
            bytes = 0;
        }
    }

    @Setup
    public void setup() throws IOException {
        List<Chunk> goldens = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(goldenDir(), "*.bin")) {
            for (Path bin : ds) {
                goldens.add(ChunkCodec.decodeUnverified(Files.readAllBytes(bin)));
            }
        }
        enc =
                Arrays.stream(ChunkEncoding.values())
                        .filter(e -> e.goName().equals(encoding))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no encoding " + encoding));
        for (Chunk c : goldens) {
            if (enc == ChunkEncoding.BIGCHUNK || enc == ChunkEncoding.PROMETHEUS_XOR) {
                List<Sample> samples = c.samples();
                payloads.add(SampleData.encode(enc, samples));
            } else if (c.encoding() == enc) {
                payloads.add(c.data());
            }
        }
        payloads.forEach(p -> payloadBytes += p.length);
    }

    private static Path goldenDir() {
        String prop = System.getProperty("chunkstore.golden.dir");
        if (prop != null) {
            return Paths.get(prop, "cortex-encodings");
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata/golden/cortex-encodings");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new UncheckedIOException(
                new IOException(
                        "testdata/golden/cortex-encodings not found above "
                                + Paths.get("").toAbsolutePath()
                                + "; run from the project or set -Dchunkstore.golden.dir"));
    }

    @Benchmark
    public long decode(Counters c) {
        long sum = 0;
        long n = 0;
        for (byte[] p : payloads) {
            SampleIterator it = SampleData.iterator(enc, p, null);
            while (it.next()) {
                sum += it.timestamp() ^ it.valueBits();
                n++;
            }
        }
        c.samples += n;
        c.bytes += payloadBytes;
        return sum;
    }
}
