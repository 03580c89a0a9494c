package io.chunkstore.core.schema;

import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V3;
import static io.chunkstore.core.schema.RangeValueMarker.LABEL_NAMES_V1;
import static io.chunkstore.core.schema.RangeValueMarker.LABEL_SERIES_V1;
import static io.chunkstore.core.schema.RangeValueMarker.SERIES_V1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The series-store schemas v9-v12 (Cortex's pkg/chunk/schema.go, Loki's v12): {@code H:M} and
 * {@code H:M:ln} label rows point at series IDs, {@code H:S} rows at chunk IDs. v10+ prefix the
 * label rows with a row shard {@code NN:}, v11+ add a label-names row keyed by the bare series ID,
 * v12 has v11's layout.
 */
final class SeriesStoreSchema extends AbstractIndexSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int v;
    private final int rowShards;
    private final LabelValueLookup labelValueLookup;

    SeriesStoreSchema(PeriodConfig period, LabelValueLookup labelValueLookup) {
        super(period);
        this.v = period.schema().number();
        if (v < 9) {
            throw new IllegalArgumentException(
                    "schema " + period.schema() + " is not a series store schema");
        }
        this.rowShards = period.schema().hasRowShards() ? period.rowShards() : 0;
        if (period.schema().hasRowShards() && rowShards <= 0) {
            throw new IllegalArgumentException(
                    "schema " + period.schema() + " needs row_shards > 0");
        }
        this.labelValueLookup = labelValueLookup;
    }

    @Override
    public List<IndexEntry> writeEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId) {
        List<IndexEntry> out = new ArrayList<>();
        for (LabelWriteEntries e : labelWriteEntries(fromMs, throughMs, userId, labels)) {
            out.addAll(e.entries());
        }
        out.addAll(chunkWriteEntries(fromMs, throughMs, userId, labels, chunkId));
        return out;
    }

    @Override
    public List<LabelWriteEntries> labelWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels) {
        String m = metricName(labels);
        SeriesId series = SeriesId.of(labels);
        String s = series.value();
        String shard = rowShards > 0 ? shardPrefix(series.rowShard(rowShards)) : "";
        byte[] labelNames = v >= 11 ? labelNamesJson(labels) : null;
        List<LabelWriteEntries> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            String table = b.tableName();
            String metricRow = b.hashKey() + ":" + m;
            List<IndexEntry> entries = new ArrayList<>(labels.size() + 1);
            entries.add(
                    new IndexEntry(
                            table,
                            shard + metricRow,
                            RangeValue.encode(SERIES_V1, s, "", ""),
                            EMPTY_PLACEHOLDER));
            if (labelNames != null) {
                entries.add(
                        new IndexEntry(
                                table,
                                s,
                                RangeValue.encode(LABEL_NAMES_V1, "", "", ""),
                                labelNames));
            }
            for (Label l : labels) {
                if (l.name().equals(Labels.METRIC_NAME)) {
                    continue;
                }
                entries.add(
                        new IndexEntry(
                                table,
                                shard + metricRow + ":" + l.name(),
                                RangeValue.encode(
                                        LABEL_SERIES_V1, IndexEncoding.sha256b64(l.value()), s, ""),
                                GoStrings.bytes(l.value())));
            }
            String cacheKey =
                    HexFormat.of()
                            .formatHex(
                                    (table + "-" + b.hashKey() + "-" + s)
                                            .getBytes(StandardCharsets.UTF_8));
            out.add(new LabelWriteEntries(b, cacheKey, entries));
        }
        return out;
    }

    @Override
    public boolean sharedByTable(IndexEntry labelEntry) {
        return v >= 11
                && Arrays.equals(
                        labelEntry.rangeValue(), RangeValue.encode(LABEL_NAMES_V1, "", "", ""));
    }

    @Override
    public String seriesOfChunkEntry(IndexEntry entry) {
        byte[] r = entry.rangeValue();
        if (r.length < 2 || r[r.length - 2] != CHUNK_TIME_V3.marker() || r[r.length - 1] != 0) {
            return null;
        }
        // A chunk row's hash value is <user>:d<day>:<seriesID> (chunkWriteEntries).
        String h = entry.hashValue();
        int last = h.lastIndexOf(':');
        return last < 0 || h.indexOf(':') == last ? null : h.substring(last + 1);
    }

    @Override
    public boolean isTenantRow(String hashValue, String userId, long fromMs, long throughMs) {
        // Metric and label rows [<shard>:]<user>:d<day>:<metric>[:<label>] (metric names may hold
        // ':'), chunk rows <user>:d<day>:<seriesID>.
        String[] parts = hashValue.split(":", 3);
        if (parts.length == 3
                && parts[0].equals(userId)
                && isBucketIn(parts[1], fromMs, throughMs)) {
            return true;
        }
        if (rowShards == 0) {
            return false;
        }
        String[] sharded = hashValue.split(":", 4);
        return sharded.length == 4
                && isShard(sharded[0])
                && sharded[1].equals(userId)
                && isBucketIn(sharded[2], fromMs, throughMs);
    }

    private boolean isShard(String s) {
        return digits(s) && shardPrefixes().contains(s + ":");
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    @Override
    public List<String> tenantHashPrefixes(String userId) {
        List<String> out = new ArrayList<>();
        out.add(userId + ":");
        if (rowShards > 0) {
            for (String shard : shardPrefixes()) {
                out.add(shard + userId + ":");
            }
        }
        return out;
    }

    @Override
    public List<IndexEntry> chunkWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId) {
        metricName(labels);
        String s = SeriesId.of(labels).value();
        byte[] value = v >= 10 ? EMPTY_PLACEHOLDER : null;
        List<IndexEntry> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            out.add(
                    new IndexEntry(
                            b.tableName(),
                            b.hashKey() + ":" + s,
                            RangeValue.encode(CHUNK_TIME_V3, b.hexThrough(), "", chunkId),
                            value));
        }
        return out;
    }

    @Override
    public List<IndexQuery> readQueriesForMetric(
            long fromMs, long throughMs, String userId, String metricName) {
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            for (String shard : shardPrefixes()) {
                out.add(IndexQuery.row(b.tableName(), shard + b.hashKey() + ":" + metricName));
            }
        }
        return out;
    }

    @Override
    public List<IndexQuery> readQueriesForMetricLabel(
            long fromMs, long throughMs, String userId, String metricName, String labelName) {
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            for (String shard : shardPrefixes()) {
                out.add(
                        IndexQuery.row(
                                b.tableName(),
                                shard + b.hashKey() + ":" + metricName + ":" + labelName));
            }
        }
        return out;
    }

    @Override
    public List<IndexQuery> readQueriesForMetricLabelValue(
            long fromMs,
            long throughMs,
            String userId,
            String metricName,
            String labelName,
            String labelValue) {
        byte[] hashed = RangeValue.prefix(IndexEncoding.sha256b64(labelValue));
        byte[] value = GoStrings.bytes(labelValue);
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            for (String shard : shardPrefixes()) {
                IndexQuery.Builder q =
                        IndexQuery.builder(
                                        b.tableName(),
                                        shard + b.hashKey() + ":" + metricName + ":" + labelName)
                                .valueEqual(value);
                if (labelValueLookup == LabelValueLookup.PREFIX) {
                    q.rangeValuePrefix(hashed);
                } else {
                    q.rangeValueStart(hashed);
                }
                out.add(q.build());
            }
        }
        return out;
    }

    @Override
    public List<IndexQuery> chunksForSeries(
            long fromMs, long throughMs, String userId, String seriesId) {
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            out.add(
                    IndexQuery.builder(b.tableName(), b.hashKey() + ":" + seriesId)
                            .rangeValueStart(RangeValue.prefix(b.hexFrom()))
                            .build());
        }
        return out;
    }

    @Override
    public List<IndexQuery> labelNamesForSeries(
            long fromMs, long throughMs, String userId, String seriesId) {
        if (v < 11) {
            throw unsupported(
                    "label names of a series (v11 and later only; read the series' chunks instead)");
        }
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            out.add(IndexQuery.row(b.tableName(), seriesId));
        }
        return out;
    }

    @Override
    public List<IndexQuery> filterReadQueries(List<IndexQuery> queries, QueryShard shard) {
        if (shard == null || rowShards == 0) {
            return queries;
        }
        List<IndexQuery> out = new ArrayList<>();
        for (IndexQuery q : queries) {
            String hash = q.hashValue();
            int colon = hash.indexOf(':');
            String first = colon < 0 ? hash : hash.substring(0, colon);
            try {
                if (Integer.parseInt(first) == shard.shard()) {
                    out.add(q);
                }
            } catch (NumberFormatException e) {
                // Like Cortex: a hash value without a row shard belongs to no query shard.
            }
        }
        return out;
    }

    private List<String> shardPrefixes() {
        if (rowShards == 0) {
            return List.of("");
        }
        List<String> out = new ArrayList<>(rowShards);
        for (int i = 0; i < rowShards; i++) {
            out.add(shardPrefix(i));
        }
        return out;
    }

    /** {@code %02d:}: two digits, zero-padded (three from 100 shards on). */
    static String shardPrefix(int shard) {
        return String.format(Locale.ROOT, "%02d:", shard);
    }

    private static byte[] labelNamesJson(Labels labels) {
        List<String> names = new ArrayList<>(labels.size());
        for (Label l : labels) {
            if (!l.name().equals(Labels.METRIC_NAME)) {
                names.add(l.name());
            }
        }
        try {
            return JSON.writeValueAsBytes(names);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write label names " + names, e);
        }
    }
}
