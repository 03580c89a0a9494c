package io.chunkstore.conformance;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.EncodedChunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Data generators for the suite and for any other test: binary range values rich in 0x00 and 0xFF
 * bytes, label sets, chunk payloads and Cortex-shaped external keys. Everything is drawn from the
 * {@link Random} passed in, so a seed repeats a run.
 *
 * <p>{@link #chunks} makes opaque random payloads under keys of Cortex's external-key shape
 * (pkg/chunk/chunk.go) (string formatting, cheap for thousands of chunks); {@link #cortexChunks}
 * makes real, decodable chunks through core's chunk codec.
 */
public final class TestData {
    private TestData() {}

    /** UTF-8 bytes of a string. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes from unsigned ints, for readable binary literals: {@code bytes(0x61, 0xFF, 0x00)}. */
    public static byte[] bytes(int... unsigned) {
        byte[] b = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            if (unsigned[i] < 0 || unsigned[i] > 0xFF) {
                throw new IllegalArgumentException("not a byte: " + unsigned[i]);
            }
            b[i] = (byte) unsigned[i];
        }
        return b;
    }

    /** Text when printable ASCII, else hex: for assertion messages. */
    public static String show(byte[] b) {
        for (byte x : b) {
            if (x < 0x20 || x > 0x7E) {
                return "0x" + Bytes.hex(b);
            }
        }
        return "\"" + new String(b, StandardCharsets.US_ASCII) + "\"";
    }

    /**
     * A random range value of {@code minLen..maxLen} bytes where about a quarter of the bytes are
     * 0x00, a quarter 0xFF, and the rest uniform (so signed-order and terminator bugs show up).
     */
    public static byte[] rangeValue(Random r, int minLen, int maxLen) {
        int n = minLen + r.nextInt(maxLen - minLen + 1);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            b[i] = k == 0 ? 0 : k == 1 ? (byte) 0xFF : (byte) r.nextInt(256);
        }
        return b;
    }

    /**
     * {@code n} distinct random range values (see {@link #rangeValue}), sorted in ascending
     * unsigned order.
     */
    public static List<byte[]> distinctRangeValues(Random r, int n, int minLen, int maxLen) {
        if (minLen < 1) {
            throw new IllegalArgumentException("range values are never empty");
        }
        TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
        int attempts = 0;
        while (set.size() < n) {
            set.add(rangeValue(r, minLen, maxLen));
            if (++attempts > n * 100) {
                throw new IllegalArgumentException(
                        "cannot draw "
                                + n
                                + " distinct values of "
                                + minLen
                                + ".."
                                + maxLen
                                + " bytes");
            }
        }
        return new ArrayList<>(set);
    }

    /**
     * Range values on the edges of unsigned order, sorted ascending: single 0x00 and 0xFF bytes,
     * runs of them, values that differ only by a trailing 0x00 or 0xFF, and the 0x7F / 0x80
     * signed-order boundary.
     */
    public static List<byte[]> edgeRangeValues() {
        List<byte[]> v =
                new ArrayList<>(
                        List.of(
                                bytes(0x00),
                                bytes(0x00, 0x00),
                                bytes(0x00, 0xFF),
                                bytes(0x01),
                                bytes(0x61),
                                bytes(0x61, 0x00),
                                bytes(0x61, 0x00, 0x00),
                                bytes(0x61, 0x00, 0x62),
                                bytes(0x61, 0x62),
                                bytes(0x61, 0x7F),
                                bytes(0x61, 0x80),
                                bytes(0x61, 0xFE),
                                bytes(0x61, 0xFF),
                                bytes(0x61, 0xFF, 0x00),
                                bytes(0x61, 0xFF, 0xFF),
                                bytes(0x62),
                                bytes(0x7F),
                                bytes(0x7F, 0xFF),
                                bytes(0x80),
                                bytes(0x80, 0x00),
                                bytes(0xFE, 0xFF),
                                bytes(0xFF),
                                bytes(0xFF, 0x00),
                                bytes(0xFF, 0xFF),
                                bytes(0xFF, 0xFF, 0xFF)));
        v.sort(Arrays::compareUnsigned);
        return v;
    }

    /**
     * {@code n} distinct label sets of series of a few metrics: {@code __name__}, {@code job},
     * {@code instance} and random extra labels, with values that include characters needing care
     * ({@code :}, {@code /}, {@code =}, non-ASCII).
     */
    public static List<Labels> labelSets(Random r, int n) {
        String[] metrics = {
            "up", "http_requests_total", "node_cpu_seconds_total", "process:rss:bytes"
        };
        String[] odd = {"a/b", "x=y", "c:d", "héllo", "日本", "{}", "\"q\"", " "};
        List<Labels> out = new ArrayList<>(n);
        TreeSet<String> seen = new TreeSet<>();
        while (out.size() < n) {
            List<String> kv =
                    new ArrayList<>(
                            List.of(
                                    Labels.METRIC_NAME,
                                    metrics[r.nextInt(metrics.length)],
                                    "job",
                                    "job" + r.nextInt(5),
                                    "instance",
                                    "10.0." + r.nextInt(256) + "." + r.nextInt(256) + ":9100"));
            int extra = r.nextInt(3);
            for (int i = 0; i < extra; i++) {
                kv.add("l" + i);
                kv.add(r.nextInt(4) == 0 ? odd[r.nextInt(odd.length)] : "v" + r.nextInt(1000));
            }
            Labels l = Labels.of(kv.toArray(String[]::new));
            if (seen.add(l.toString())) {
                out.add(l);
            }
        }
        return out;
    }

    /** {@code size} random bytes. */
    public static byte[] chunkPayload(Random r, int size) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        return b;
    }

    /** CRC-32C of the bytes, the checksum a Cortex external key carries. */
    public static int crc32c(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    /**
     * A current-format external key: {@code <user>/<fp>:<from>:<through>:<checksum>}, lowercase
     * hex.
     */
    public static String externalKey(
            String userId, long fingerprint, long from, long through, int checksum) {
        return userId
                + "/"
                + Long.toHexString(fingerprint)
                + ":"
                + Long.toHexString(from)
                + ":"
                + Long.toHexString(through)
                + ":"
                + Integer.toHexString(checksum);
    }

    /** A Loki schema v12 external key: {@code <user>/<fp>/<from>:<through>:<checksum>}. */
    public static String externalKeyV12(
            String userId, long fingerprint, long from, long through, int checksum) {
        return userId
                + "/"
                + Long.toHexString(fingerprint)
                + "/"
                + Long.toHexString(from)
                + ":"
                + Long.toHexString(through)
                + ":"
                + Integer.toHexString(checksum);
    }

    /**
     * {@code n} chunks of tenant {@code userId} with random payloads of {@code minSize..maxSize}
     * bytes, each under a distinct current-format key whose checksum is the payload's CRC-32C, one
     * hour each from 2019-05-12.
     */
    public static List<EncodedChunk> chunks(
            Random r, String userId, String tableName, int n, int minSize, int maxSize) {
        List<EncodedChunk> out = new ArrayList<>(n);
        long from = 1_557_650_721_000L;
        for (int i = 0; i < n; i++) {
            byte[] payload = chunkPayload(r, minSize + r.nextInt(maxSize - minSize + 1));
            long f = from + i * 15_000L;
            String key = externalKey(userId, r.nextLong(), f, f + 3_600_000L, crc32c(payload));
            out.add(new EncodedChunk(key, tableName, payload));
        }
        return out;
    }

    /**
     * Cortex's {@code testutils.CreateChunks}: {@code batchSize} Bigchunk chunks for the series
     * {@code {__name__="foo", index="<startIndex * batchSize + j>"}} of tenant {@code userId}, one
     * sample of value 0 every 15 s from {@code from} to {@code through} inclusive, encoded by
     * core's codec (so the key carries the real checksum), under current-format keys.
     */
    public static List<ChunkCodec.Encoded> cortexChunks(
            String userId, int startIndex, int batchSize, long from, long through) {
        List<ChunkCodec.Encoded> out = new ArrayList<>(batchSize);
        for (int j = 0; j < batchSize; j++) {
            Labels labels =
                    Labels.of(
                            Labels.METRIC_NAME,
                            "foo",
                            "index",
                            Integer.toString(startIndex * batchSize + j));
            List<Sample> samples = new ArrayList<>();
            for (long t = from; t <= through; t += 15_000) {
                samples.add(new Sample(t, 0));
            }
            out.add(ChunkCodec.encode(Chunk.fromSamples(userId, labels, samples)));
        }
        return out;
    }

    /**
     * The encoded chunks as the storage SPI carries them, under current-format keys in {@code
     * tableName}.
     */
    public static List<EncodedChunk> asStored(List<ChunkCodec.Encoded> chunks, String tableName) {
        return chunks.stream().map(c -> c.toEncodedChunk(KeyFormat.CURRENT, tableName)).toList();
    }
}
