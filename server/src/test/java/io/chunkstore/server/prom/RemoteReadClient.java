package io.chunkstore.server.prom;

import com.google.protobuf.CodedInputStream;
import io.chunkstore.core.chunk.SampleIterator;
import io.chunkstore.core.chunk.XorChunk;
import io.chunkstore.core.model.Labels;
import io.chunkstore.server.prompb.Chunk;
import io.chunkstore.server.prompb.ChunkedReadResponse;
import io.chunkstore.server.prompb.ChunkedSeries;
import io.chunkstore.server.prompb.Label;
import io.chunkstore.server.prompb.Query;
import io.chunkstore.server.prompb.ReadRequest;
import io.chunkstore.server.prompb.ReadResponse;
import io.chunkstore.server.prompb.TimeSeries;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * A remote-read client for the tests, written from the protocol's description
 * (prometheus/prometheus prompb/remote.proto): it sends a snappy ReadRequest and decodes either
 * answer, checking every frame's CRC32C and size, into series in the order received.
 */
final class RemoteReadClient {
    final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    RemoteReadClient(int port) {
        this.url = "http://127.0.0.1:" + port + "/api/v1/read";
    }

    /** One HTTP exchange. */
    record Exchange(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v =
                    headers.entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase(name))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(List.of());
            return v.isEmpty() ? null : v.get(0);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A decoded series: labels and time to raw value bits. */
    record Series(Labels labels, TreeMap<Long, Long> samples) {}

    Exchange post(byte[] body, String tenant) throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (tenant != null) {
            b.header("X-Scope-OrgID", tenant);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Exchange(r.statusCode(), r.headers().map(), r.body());
    }

    Exchange read(ReadRequest request, String tenant) throws IOException, InterruptedException {
        return post(Snappy.compress(request.toByteArray()), tenant);
    }

    static ReadRequest request(List<Query> queries, ReadRequest.ResponseType... accepted) {
        ReadRequest.Builder b = ReadRequest.newBuilder().addAllQueries(queries);
        for (ReadRequest.ResponseType t : accepted) {
            b.addAcceptedResponseTypes(t);
        }
        return b.build();
    }

    static Query query(long start, long end, String... typeNameValue) {
        Query.Builder q = Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end);
        for (int i = 0; i < typeNameValue.length; i += 3) {
            q.addMatchers(
                    io.chunkstore.server.prompb.LabelMatcher.newBuilder()
                            .setType(
                                    io.chunkstore.server.prompb.LabelMatcher.Type.valueOf(
                                            typeNameValue[i]))
                            .setName(typeNameValue[i + 1])
                            .setValue(typeNameValue[i + 2]));
        }
        return q.build();
    }

    private static Labels labels(List<Label> ls) {
        List<io.chunkstore.core.model.Label> out = new ArrayList<>();
        for (Label l : ls) {
            out.add(new io.chunkstore.core.model.Label(l.getName(), l.getValue()));
        }
        return Labels.of(out);
    }

    /** The series of each query of a SAMPLES answer. */
    static List<List<Series>> samples(Exchange e) throws IOException {
        ReadResponse r = ReadResponse.parseFrom(Snappy.uncompress(e.body()));
        List<List<Series>> out = new ArrayList<>();
        for (var result : r.getResultsList()) {
            List<Series> qs = new ArrayList<>();
            for (TimeSeries ts : result.getTimeseriesList()) {
                TreeMap<Long, Long> m = new TreeMap<>();
                long last = Long.MIN_VALUE;
                for (var s : ts.getSamplesList()) {
                    if (s.getTimestamp() <= last) {
                        throw new AssertionError("samples out of order in " + ts.getLabelsList());
                    }
                    last = s.getTimestamp();
                    m.put(s.getTimestamp(), Double.doubleToRawLongBits(s.getValue()));
                }
                qs.add(new Series(labels(ts.getLabelsList()), m));
            }
            out.add(qs);
        }
        return out;
    }

    /** What a streamed answer held, with the facts about its frames the tests check. */
    record Streamed(
            Map<Integer, List<Series>> queries,
            int frames,
            int largestFrame,
            int largestChunkSamples,
            int chunks) {}

    /**
     * Decodes a framed ChunkedReadResponse stream: uvarint length, big-endian CRC32C, message. A
     * series split over frames is joined; a series that comes back after another started is an
     * error (the protocol streams each series once).
     */
    static Streamed streamed(Exchange e) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(e.body());
        Map<Integer, Map<Labels, TreeMap<Long, Long>>> byQuery = new TreeMap<>();
        Labels previous = null;
        int previousQuery = -1;
        int frames = 0;
        int largest = 0;
        int largestChunk = 0;
        int chunks = 0;
        while (!in.isAtEnd()) {
            int size = in.readUInt32();
            byte[] crc = in.readRawBytes(4);
            byte[] msg = in.readRawBytes(size);
            CRC32C c = new CRC32C();
            c.update(msg);
            long want =
                    ((crc[0] & 0xFFL) << 24)
                            | ((crc[1] & 0xFFL) << 16)
                            | ((crc[2] & 0xFFL) << 8)
                            | (crc[3] & 0xFFL);
            if (c.getValue() != want) {
                throw new AssertionError("frame " + frames + ": CRC32C mismatch");
            }
            frames++;
            largest = Math.max(largest, size);
            ChunkedReadResponse r = ChunkedReadResponse.parseFrom(msg);
            int qi = (int) r.getQueryIndex();
            for (ChunkedSeries cs : r.getChunkedSeriesList()) {
                Labels l = labels(cs.getLabelsList());
                Map<Labels, TreeMap<Long, Long>> q =
                        byQuery.computeIfAbsent(qi, k -> new LinkedHashMap<>());
                boolean continues = qi == previousQuery && l.equals(previous);
                if (!continues && q.containsKey(l)) {
                    throw new AssertionError(l + " streamed twice in query " + qi);
                }
                if (!continues && qi == previousQuery && Labels.ORDER.compare(previous, l) >= 0) {
                    throw new AssertionError(l + " after " + previous + ": not in label order");
                }
                TreeMap<Long, Long> m = q.computeIfAbsent(l, k -> new TreeMap<>());
                for (Chunk ch : cs.getChunksList()) {
                    if (ch.getType() != Chunk.Encoding.XOR) {
                        throw new AssertionError("chunk of type " + ch.getType());
                    }
                    byte[] data = ch.getData().toByteArray();
                    SampleIterator it = XorChunk.iterator(data, 0, data.length, "streamed");
                    int n = 0;
                    long min = Long.MAX_VALUE;
                    long max = Long.MIN_VALUE;
                    while (it.next()) {
                        if (!m.isEmpty() && it.timestamp() <= m.lastKey()) {
                            throw new AssertionError("samples out of order in " + l);
                        }
                        m.put(it.timestamp(), it.valueBits());
                        min = Math.min(min, it.timestamp());
                        max = Math.max(max, it.timestamp());
                        n++;
                    }
                    if (min != ch.getMinTimeMs() || max != ch.getMaxTimeMs()) {
                        throw new AssertionError(
                                "chunk of "
                                        + l
                                        + " says ["
                                        + ch.getMinTimeMs()
                                        + ", "
                                        + ch.getMaxTimeMs()
                                        + "] but holds ["
                                        + min
                                        + ", "
                                        + max
                                        + "]");
                    }
                    largestChunk = Math.max(largestChunk, n);
                    chunks++;
                }
                previous = l;
                previousQuery = qi;
            }
        }
        Map<Integer, List<Series>> out = new TreeMap<>();
        byQuery.forEach(
                (q, m) -> {
                    List<Series> l = new ArrayList<>();
                    m.forEach((k, v) -> l.add(new Series(k, v)));
                    out.put(q, l);
                });
        return new Streamed(out, frames, largest, largestChunk, chunks);
    }
}
