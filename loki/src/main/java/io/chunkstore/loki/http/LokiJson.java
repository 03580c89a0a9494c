package io.chunkstore.loki.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.logql.Values;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LogQueryResult;
import io.chunkstore.loki.query.LokiTimes;
import io.chunkstore.loki.query.MetricResult;
import io.chunkstore.loki.query.QueryStats;
import io.chunkstore.loki.query.SkippedChunk;
import io.chunkstore.loki.query.StreamEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON bodies of Loki's read API (v1): query results of result type {@code streams} with their
 * {@code stats}, label and series lists, and tail messages. Lines are written as UTF-8 text
 * (invalid bytes become U+FFFD, as Go's encoder does); timestamps as strings of Unix nanoseconds.
 */
public final class LokiJson {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Loki's {@code _extracted} suffix for a structured-metadata name that is also a stream label.
     */
    static final String EXTRACTED_SUFFIX = "_extracted";

    private LokiJson() {}

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * One result stream: its labels and entries (each with the structured metadata to write, if
     * any).
     */
    record ResultStream(Labels labels, List<LogEntry> entries) {}

    /**
     * The streams of a result as Loki 3 returns them. Without categorized labels an entry's
     * structured metadata joins its stream's labels (a name already in the stream gets {@code
     * _extracted}), so entries that differ in metadata land in different result streams, sorted by
     * labels string (descending for backward queries, as Loki); with them, streams keep their
     * labels and each value carries a third element {@code {"structuredMetadata": {...}}}.
     */
    static List<ResultStream> resultStreams(
            List<LogQueryResult.Stream> streams, boolean categorized, boolean backward) {
        if (categorized) {
            List<ResultStream> out = new ArrayList<>();
            for (LogQueryResult.Stream s : streams) {
                out.add(new ResultStream(s.stream().labels(), s.entries()));
            }
            return out;
        }
        Comparator<String> order =
                LogQuerier.streamOrder(backward ? Direction.BACKWARD : Direction.FORWARD);
        Map<String, Labels> labels = new TreeMap<>(order);
        Map<String, List<LogEntry>> entries = new TreeMap<>(order);
        Map<String, Integer> sources = new LinkedHashMap<>();
        for (LogQueryResult.Stream s : streams) {
            for (LogEntry e : s.entries()) {
                Labels l = withMetadata(s.stream().labels(), e);
                String key = l.toString();
                labels.putIfAbsent(key, l);
                entries.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
                sources.merge(key + "\u0000" + s.stream().labelsString(), 1, Integer::sum);
            }
        }
        List<ResultStream> out = new ArrayList<>();
        for (Map.Entry<String, Labels> e : labels.entrySet()) {
            List<LogEntry> list = entries.get(e.getKey());
            long fromStreams =
                    sources.keySet().stream()
                            .filter(k -> k.startsWith(e.getKey() + "\u0000"))
                            .count();
            if (fromStreams > 1) {
                Comparator<LogEntry> byTs = Comparator.comparingLong(LogEntry::timestamp);
                list.sort(backward ? byTs.reversed() : byTs);
            }
            out.add(new ResultStream(e.getValue(), list));
        }
        return out;
    }

    static Labels withMetadata(Labels stream, LogEntry e) {
        List<Label> sm = e.sortedStructuredMetadata();
        if (sm.isEmpty()) {
            return stream;
        }
        Labels out = stream;
        for (Label l : sm) {
            String name = stream.has(l.name()) ? l.name() + EXTRACTED_SUFFIX : l.name();
            out = out.with(name, l.value());
        }
        return out;
    }

    /**
     * {@code {"status":"success","data":{"resultType":"streams","result":[...],"stats":{...}}}}.
     */
    static byte[] streamsResponse(
            List<ResultStream> streams,
            boolean categorized,
            QueryStats stats,
            List<SkippedChunk> skipped) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "success");
                    g.writeObjectFieldStart("data");
                    g.writeStringField("resultType", "streams");
                    if (categorized) {
                        g.writeArrayFieldStart("encodingFlags");
                        g.writeString("categorize-labels");
                        g.writeEndArray();
                    }
                    g.writeArrayFieldStart("result");
                    for (ResultStream s : streams) {
                        g.writeStartObject();
                        g.writeFieldName("stream");
                        labels(g, s.labels());
                        g.writeArrayFieldStart("values");
                        for (LogEntry e : s.entries()) {
                            value(g, e, categorized);
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeFieldName("stats");
                    stats(g, stats);
                    g.writeEndObject();
                    warnings(g, skipped);
                    g.writeEndObject();
                });
    }

    private static void value(JsonGenerator g, LogEntry e, boolean categorized) throws IOException {
        g.writeStartArray();
        g.writeString(Long.toString(e.timestamp()));
        g.writeString(e.lineString());
        List<Label> sm = e.sortedStructuredMetadata();
        if (categorized && !sm.isEmpty()) {
            g.writeStartObject();
            g.writeObjectFieldStart("structuredMetadata");
            for (Label l : sm) {
                g.writeStringField(l.name(), l.value());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void labels(JsonGenerator g, Labels labels) throws IOException {
        g.writeStartObject();
        for (Label l : labels) {
            g.writeStringField(l.name(), l.value());
        }
        g.writeEndObject();
    }

    private static void warnings(JsonGenerator g, List<SkippedChunk> skipped) throws IOException {
        if (skipped.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("warnings");
        for (SkippedChunk s : skipped) {
            g.writeString(
                    "skipped "
                            + (s.blockIndex() < 0
                                    ? "chunk " + s.externalKey()
                                    : "block " + s.blockIndex() + " of chunk " + s.externalKey())
                            + ": "
                            + s.reason());
        }
        g.writeEndArray();
    }

    /**
     * Loki's statistics block; chunkstore fills the store counters it has and zeros the ingester
     * side.
     */
    private static void stats(JsonGenerator g, QueryStats s) throws IOException {
        double execSeconds = s.execNanos() / 1e9;
        g.writeStartObject();
        g.writeObjectFieldStart("summary");
        g.writeNumberField(
                "bytesProcessedPerSecond",
                execSeconds > 0 ? (long) (s.bytesScanned() / execSeconds) : 0);
        g.writeNumberField(
                "linesProcessedPerSecond",
                execSeconds > 0 ? (long) (s.linesScanned() / execSeconds) : 0);
        g.writeNumberField("totalBytesProcessed", s.bytesScanned());
        g.writeNumberField("totalLinesProcessed", s.linesScanned());
        g.writeNumberField("execTime", execSeconds);
        g.writeNumberField("queueTime", 0);
        g.writeNumberField("subqueries", 0);
        g.writeNumberField("totalEntriesReturned", s.entriesReturned());
        g.writeNumberField("splits", 0);
        g.writeNumberField("shards", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("querier");
        g.writeFieldName("store");
        store(
                g,
                s.chunksRef(),
                s.chunksDownloaded(),
                s.downloadNanos(),
                s.bytesScanned(),
                s.linesScanned(),
                s.compressedBytes(),
                s.duplicates());
        g.writeEndObject();
        g.writeObjectFieldStart("ingester");
        g.writeNumberField("totalReached", 0);
        g.writeNumberField("totalChunksMatched", 0);
        g.writeNumberField("totalBatches", 0);
        g.writeNumberField("totalLinesSent", 0);
        g.writeFieldName("store");
        store(g, 0, 0, 0, 0, 0, 0, 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void store(
            JsonGenerator g,
            long refs,
            long downloaded,
            long downloadNs,
            long bytes,
            long lines,
            long compressed,
            long dups)
            throws IOException {
        g.writeStartObject();
        g.writeNumberField("totalChunksRef", refs);
        g.writeNumberField("totalChunksDownloaded", downloaded);
        g.writeNumberField("chunksDownloadTime", downloadNs);
        g.writeObjectFieldStart("chunk");
        g.writeNumberField("headChunkBytes", 0);
        g.writeNumberField("headChunkLines", 0);
        g.writeNumberField("decompressedBytes", bytes);
        g.writeNumberField("decompressedLines", lines);
        g.writeNumberField("compressedBytes", compressed);
        g.writeNumberField("totalDuplicates", dups);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@code {"status":"success","data":["a","b"]}}. */
    static byte[] stringList(List<String> values) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "success");
                    g.writeArrayFieldStart("data");
                    for (String v : values) {
                        g.writeString(v);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                });
    }

    /** {@code {"status":"success","data":[{"a":"1"},...]}}. */
    static byte[] series(List<Labels> series) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "success");
                    g.writeArrayFieldStart("data");
                    for (Labels l : series) {
                        labels(g, l);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                });
    }

    /**
     * A Loki 2.x tail message: {@code
     * {"streams":[{"stream":{...},"values":[["<ns>","line"]]}],"dropped_entries":[]}} for entries
     * in order, grouped into streams in order of first appearance. Polling the store drops nothing.
     */
    public static byte[] tailMessage(List<StreamEntry> entries) {
        Map<String, Labels> labels = new LinkedHashMap<>();
        Map<String, List<LogEntry>> grouped = new LinkedHashMap<>();
        for (StreamEntry e : entries) {
            Labels l = withMetadata(e.stream().labels(), e.entry());
            labels.putIfAbsent(l.toString(), l);
            grouped.computeIfAbsent(l.toString(), k -> new ArrayList<>()).add(e.entry());
        }
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeArrayFieldStart("streams");
                    for (Map.Entry<String, Labels> s : labels.entrySet()) {
                        g.writeStartObject();
                        g.writeFieldName("stream");
                        labels(g, s.getValue());
                        g.writeArrayFieldStart("values");
                        for (LogEntry e : grouped.get(s.getKey())) {
                            value(g, e, false);
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("dropped_entries");
                    g.writeEndArray();
                    g.writeEndObject();
                });
    }

    /** Loki's build info, which Grafana's data source reads. */
    static byte[] buildInfo(String lokiVersion, String chunkstoreVersion) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("version", lokiVersion);
                    g.writeStringField("revision", "chunkstore-" + chunkstoreVersion);
                    g.writeStringField("branch", "chunkstore");
                    g.writeStringField("buildUser", "chunkstore");
                    g.writeStringField("buildDate", "");
                    g.writeStringField("goVersion", "");
                    g.writeEndObject();
                });
    }

    /**
     * A metric result as Loki writes it (grafana/loki {@code pkg/util/marshal/query.go},
     * Prometheus' API format): {@code
     * {"status":"success","data":{"resultType":"matrix","result":[{"metric":
     * {...},"values":[[<seconds>,"<value>"],...]}],"stats":{...}}}}; {@code vector} results carry
     * {@code "value":[<seconds>,"<value>"]} per series, {@code scalar} results {@code
     * "result":[<seconds>,"<value>"]}. Times are Unix seconds with up to three decimals; values are
     * Go's shortest float text ({@code NaN}, {@code +Inf}).
     */
    public static byte[] metricResponse(MetricResult r) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("status", "success");
                    g.writeObjectFieldStart("data");
                    g.writeStringField("resultType", r.type());
                    if (r.type().equals("scalar")) {
                        g.writeFieldName("result");
                        MetricResult.Series s = r.series().get(0);
                        point(g, s.timestampsMs()[0], s.values()[0]);
                    } else {
                        g.writeArrayFieldStart("result");
                        for (MetricResult.Series s : r.series()) {
                            g.writeStartObject();
                            g.writeFieldName("metric");
                            labels(g, s.labels());
                            if (r.type().equals("vector")) {
                                g.writeFieldName("value");
                                point(g, s.timestampsMs()[0], s.values()[0]);
                            } else {
                                g.writeArrayFieldStart("values");
                                for (int i = 0; i < s.values().length; i++) {
                                    point(g, s.timestampsMs()[i], s.values()[i]);
                                }
                                g.writeEndArray();
                            }
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                    g.writeFieldName("stats");
                    stats(g, r.stats());
                    g.writeEndObject();
                    warnings(g, r.skipped());
                    g.writeEndObject();
                });
    }

    /** {@code [<seconds>,"<value>"]}. */
    static void point(JsonGenerator g, long ms, double v) throws IOException {
        g.writeStartArray();
        g.writeNumber(seconds(ms));
        g.writeString(Values.formatFloat(v));
        g.writeEndArray();
    }

    /** Milliseconds as Prometheus' {@code model.Time} text: seconds with up to 3 decimals. */
    static String seconds(long ms) {
        return new java.math.BigDecimal(ms).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    /**
     * Loki's index stats: {@code {"streams":N,"chunks":N,"bytes":N,"entries":N}} (grafana/loki
     * {@code pkg/logproto/indexgateway.proto}, {@code IndexStatsResponse}).
     */
    static byte[] indexStats(long streams, long chunks, long bytes, long entries) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeNumberField("streams", streams);
                    g.writeNumberField("chunks", chunks);
                    g.writeNumberField("bytes", bytes);
                    g.writeNumberField("entries", entries);
                    g.writeEndObject();
                });
    }

    /** RFC3339Nano of a timestamp, for the cli's JSON lines. */
    public static String rfc3339Nano(long ns) {
        return LokiTimes.rfc3339Nano(ns);
    }
}
