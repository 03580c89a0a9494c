package io.chunkstore.bench.jmh;

import io.chunkstore.loki.Direction;
import io.chunkstore.loki.EntryIterator;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.chunkenc.MemChunk;
import io.chunkstore.loki.chunkenc.MemChunkWriter;
import java.nio.charset.StandardCharsets;
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
 * Loki MemChunk decode per block codec: a v3 chunk of about 2 MB of access-log lines in 256 KiB
 * blocks (Loki's defaults), decoded (header, metas, CRCs) and read forward entry by entry.
 * Counters: {@code rawBytes} (line bytes per second: the decompressed MB/s), {@code storedBytes}
 * (compressed bytes per second) and {@code entries}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LokiDecodeBenchmark {
    static final int LINES = 16_000;

    @Param({"none", "gzip", "snappy", "lz4-256k", "flate", "zstd"})
    public String codec;

    private byte[] chunk;
    private long lineBytes;

    /** Bytes and entries read, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long rawBytes;
        public long storedBytes;
        public long entries;

        @Setup(Level.Iteration)
        public void reset() {
            rawBytes = 0;
            storedBytes = 0;
            entries = 0;
        }
    }

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(7);
        String[] methods = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
        String[] paths = {
            "/api/v1/query",
            "/api/v1/query_range",
            "/loki/api/v1/push",
            "/metrics",
            "/ready",
            "/api/v1/labels",
            "/api/v1/series"
        };
        int[] codes = {200, 200, 200, 200, 204, 400, 404, 500};
        List<LogEntry> entries = new ArrayList<>(LINES);
        long ts = 1_709_254_800_000_000_000L;
        for (int i = 0; i < LINES; i++) {
            ts += 1_000_000L + r.nextInt(5_000_000);
            String line =
                    String.format(
                            "level=info ts=%d caller=http.go:%d method=%s path=%s status=%d"
                                    + " duration=%.3fms bytes=%d traceID=%016x user=tenant-%d",
                            ts / 1_000_000,
                            100 + r.nextInt(200),
                            methods[r.nextInt(methods.length)],
                            paths[r.nextInt(paths.length)],
                            codes[r.nextInt(codes.length)],
                            r.nextDouble() * 250,
                            r.nextInt(100_000),
                            r.nextLong(),
                            r.nextInt(40));
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            lineBytes += b.length;
            entries.add(new LogEntry(ts, b));
        }
        chunk =
                MemChunkWriter.encode(
                        ChunkFormat.V3,
                        Codec.byName(codec),
                        MemChunkWriter.DEFAULT_BLOCK_SIZE,
                        entries);
    }

    @Benchmark
    public long decodeAndRead(Counters c) throws Exception {
        MemChunk m = MemChunk.decode(chunk);
        long n = 0;
        long bytes = 0;
        try (EntryIterator it = m.iterator(Direction.FORWARD)) {
            while (it.hasNext()) {
                bytes += it.next().line().length;
                n++;
            }
        }
        if (bytes != lineBytes) {
            throw new IllegalStateException("read " + bytes + " line bytes, wrote " + lineBytes);
        }
        c.rawBytes += bytes;
        c.storedBytes += chunk.length;
        c.entries += n;
        return n;
    }
}
