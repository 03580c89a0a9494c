package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.CliTime;
import io.chunkstore.cli.common.Json;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.schema.HashValue;
import io.chunkstore.core.schema.HexTime;
import io.chunkstore.core.schema.IndexEncoding;
import io.chunkstore.core.schema.ParsedRangeValue;
import io.chunkstore.core.schema.RangeValue;
import io.chunkstore.core.schema.RangeValueMarker;
import io.chunkstore.core.schema.RangeValueParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What an index entry means (Cortex's pkg/chunk/schema.go and schema_util.go), for {@code
 * chunkstore index scan}: the row kind from the range value's marker and the period's schema
 * version, the parts of the hash value (row shard, tenant, bucket, metric, label, series ID), and
 * what the range value and value point at (series ID, chunk ID and its key fields, label value,
 * label names), with the bucket-relative hex times made absolute from the bucket in the hash value.
 */
final class IndexEntryDecoder {
    private final SchemaVersion schema;

    IndexEntryDecoder(SchemaVersion schema) {
        this.schema = schema;
    }

    /**
     * The meaning of one entry, as a JSON object: {@code kind}, a {@code description} in words, and
     * the decoded fields; an entry that does not parse gets {@code kind: "unparsed"} and the
     * reason.
     */
    ObjectNode decode(String hash, byte[] rangeValue, byte[] value) {
        ObjectNode o = Json.object();
        try {
            decodeInto(o, hash, rangeValue, value);
        } catch (RuntimeException e) {
            o.removeAll();
            o.put("kind", "unparsed");
            o.put("error", e.getMessage());
        }
        return o;
    }

    private void decodeInto(ObjectNode o, String hash, byte[] rangeValue, byte[] value) {
        RangeValue rv = RangeValue.decode(rangeValue);
        Optional<RangeValueMarker> marker = rv.marker();
        boolean labelRow =
                marker.isPresent()
                        && (marker.get() == RangeValueMarker.SERIES_V1
                                || marker.get() == RangeValueMarker.LABEL_SERIES_V1);
        Optional<HashValue> h = HashValue.parse(hash, labelRow && schema.hasRowShards());
        if (rv.size() == 3) {
            // v1 / v2: [label name, raw label value, chunk ID], no marker.
            HashValue hp = require(h, hash);
            ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(rangeValue, value);
            o.put("kind", "label-chunk");
            putHash(o, hp, true);
            o.put("metric", hp.rest());
            o.put("label", rv.componentText(0));
            o.put("labelValue", p.labelValue());
            putChunk(o, p.id());
            o.put(
                    "description",
                    "chunk "
                            + p.id()
                            + " has "
                            + rv.componentText(0)
                            + "="
                            + GoStrings.quote(p.labelValue())
                            + " ("
                            + hp.rest()
                            + ", "
                            + bucketWords(hp)
                            + ")");
            return;
        }
        if (marker.isEmpty()) {
            throw new IllegalArgumentException(
                    "range value has " + rv.size() + " components and no known marker");
        }
        o.put(
                "marker",
                new String(new byte[] {marker.get().marker()}, StandardCharsets.ISO_8859_1));
        switch (marker.get()) {
            case SERIES_V1 -> {
                HashValue hp = require(h, hash);
                putHash(o, hp, true);
                String series = rv.componentText(0);
                o.put("kind", "metric-series");
                o.put("metric", hp.rest());
                o.put("seriesId", series);
                o.put(
                        "description",
                        "series "
                                + series
                                + " of metric "
                                + hp.rest()
                                + " exists on "
                                + bucketWords(hp));
            }
            case LABEL_SERIES_V1 -> {
                HashValue hp = require(h, hash);
                putHash(o, hp, true);
                int colon = hp.rest().lastIndexOf(':');
                String metric = colon < 0 ? hp.rest() : hp.rest().substring(0, colon);
                String label = colon < 0 ? "" : hp.rest().substring(colon + 1);
                ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(rangeValue, value);
                o.put("kind", "label-series");
                o.put("metric", metric);
                o.put("label", label);
                o.put("labelValue", p.labelValue());
                o.put("labelValueHash", rv.componentText(0));
                boolean hashOk =
                        IndexEncoding.sha256b64(p.labelValue()).equals(rv.componentText(0));
                o.put("labelValueHashMatches", hashOk);
                o.put("seriesId", p.id());
                o.put(
                        "description",
                        "series "
                                + p.id()
                                + " of "
                                + metric
                                + " has "
                                + label
                                + "="
                                + GoStrings.quote(p.labelValue())
                                + " on "
                                + bucketWords(hp)
                                + (hashOk
                                        ? ""
                                        : " (the value does not match its sha256 in the range value)"));
            }
            case LABEL_NAMES_V1 -> {
                List<String> names = RangeValueParser.parseLabelNamesValue(rangeValue, value);
                o.put("kind", "series-label-names");
                o.put("seriesId", hash);
                ArrayNode arr = o.putArray("labelNames");
                names.forEach(arr::add);
                o.put(
                        "description",
                        "series " + hash + " has labels __name__, " + String.join(", ", names));
            }
            case METRIC_NAME_V1 -> {
                o.put("kind", "metric-name");
                String name = RangeValueParser.parseMetricNameRangeValue(rangeValue, value);
                o.put("metric", name);
                o.put("description", "metric name " + name + " (historical v7 row)");
            }
            case CHUNK_TIME_V3 -> {
                HashValue hp = require(h, hash);
                putHash(o, hp, false);
                ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(rangeValue, value);
                long through = hp.bucketStartMs() + HexTime.decode(rv.componentText(0));
                o.put("throughInBucket", through);
                putChunk(o, p.id());
                if (schema.isSeriesStore()) {
                    o.put("kind", "series-chunk");
                    o.put("seriesId", hp.rest());
                    o.put(
                            "description",
                            "series "
                                    + hp.rest()
                                    + " has chunk "
                                    + p.id()
                                    + " ending "
                                    + CliTime.format(through)
                                    + " in "
                                    + bucketWords(hp));
                } else {
                    o.put("kind", "metric-chunk");
                    o.put("metric", hp.rest());
                    o.put(
                            "description",
                            "metric "
                                    + hp.rest()
                                    + " has chunk "
                                    + p.id()
                                    + " ending "
                                    + CliTime.format(through)
                                    + " in "
                                    + bucketWords(hp));
                }
            }
            case CHUNK_TIME_V2 -> {
                HashValue hp = require(h, hash);
                putHash(o, hp, false);
                ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(rangeValue, value);
                o.put("kind", "metric-chunk");
                o.put("metric", hp.rest());
                putChunk(o, p.id());
                o.put(
                        "description",
                        "metric " + hp.rest() + " has chunk " + p.id() + " in " + bucketWords(hp));
            }
            case CHUNK_TIME_V1A, CHUNK_TIME_V1, CHUNK_TIME_V4, CHUNK_TIME_V5 -> {
                HashValue hp = require(h, hash);
                putHash(o, hp, false);
                ParsedRangeValue p = RangeValueParser.parseChunkTimeRangeValue(rangeValue, value);
                String metric = hp.rest();
                String label;
                if (!rv.componentText(0).isEmpty()
                        && (marker.get() == RangeValueMarker.CHUNK_TIME_V1
                                || marker.get() == RangeValueMarker.CHUNK_TIME_V1A)) {
                    label = rv.componentText(0); // v3: the label name is in the range value
                } else {
                    int colon = hp.rest().lastIndexOf(':');
                    metric = colon < 0 ? hp.rest() : hp.rest().substring(0, colon);
                    label = colon < 0 ? "" : hp.rest().substring(colon + 1);
                }
                o.put("kind", "label-chunk");
                o.put("metric", metric);
                o.put("label", label);
                o.put("labelValue", p.labelValue());
                if (marker.get() == RangeValueMarker.CHUNK_TIME_V4
                        || marker.get() == RangeValueMarker.CHUNK_TIME_V5) {
                    o.put(
                            "throughInBucket",
                            hp.bucketStartMs() + HexTime.decode(rv.componentText(0)));
                }
                putChunk(o, p.id());
                o.put(
                        "description",
                        "chunk "
                                + p.id()
                                + " of "
                                + metric
                                + " has "
                                + label
                                + "="
                                + GoStrings.quote(p.labelValue())
                                + " in "
                                + bucketWords(hp));
            }
            default -> throw new IllegalArgumentException("unknown marker " + marker.get());
        }
    }

    private static HashValue require(Optional<HashValue> h, String hash) {
        return h.orElseThrow(
                () ->
                        new IllegalArgumentException(
                                "hash value "
                                        + GoStrings.quote(hash)
                                        + " is not <user>:d<day>:... (or <user>:<hour>:... for v1)"));
    }

    private static void putHash(ObjectNode o, HashValue h, boolean shardable) {
        if (h.shard() != null && shardable) {
            o.put("rowShard", Integer.parseInt(h.shard()));
        }
        o.put("user", h.user());
        o.put(h.daily() ? "day" : "hour", h.bucket());
        o.put("bucketStart", h.bucketStartMs());
    }

    private static String bucketWords(HashValue h) {
        String t = CliTime.format(h.bucketStartMs());
        return (h.daily() ? "day " + t.substring(0, 10) : "hour " + t.substring(0, 13) + "h")
                + " for "
                + h.user()
                + (h.shard() == null ? "" : " (row shard " + h.shard() + ")");
    }

    private static void putChunk(ObjectNode o, String chunkId) {
        o.put("chunkId", chunkId);
        try {
            ChunkRef r = ChunkRef.parse(chunkId);
            ObjectNode c = o.putObject("chunk");
            c.put("user", r.userId());
            c.put("fingerprint", String.format("%016x", r.fingerprint()));
            c.put("from", r.from());
            c.put("through", r.through());
            c.put("fromTime", CliTime.format(r.from()));
            c.put("throughTime", CliTime.format(r.through()));
        } catch (RuntimeException e) {
            o.put("chunkIdError", e.getMessage());
        }
    }
}
