package io.chunkstore.core.schema;

import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V1;
import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V2;
import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V3;
import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V4;
import static io.chunkstore.core.schema.RangeValueMarker.CHUNK_TIME_V5;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store schemas v1-v6 (Cortex's pkg/chunk/schema.go): label entries point straight at chunk
 * IDs, written per chunk per bucket. Hash values are {@code H:M} (metric row) and, from v4, {@code
 * H:M:ln} (label rows).
 */
final class StoreSchema extends AbstractIndexSchema {
    private final int v;

    StoreSchema(PeriodConfig period) {
        super(period);
        this.v = period.schema().number();
        if (v > 6) {
            throw new IllegalArgumentException(
                    "schema " + period.schema() + " is not a store schema");
        }
    }

    @Override
    public List<IndexEntry> writeEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId) {
        String m = metricName(labels);
        List<IndexEntry> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            String table = b.tableName();
            String metricRow = b.hashKey() + ":" + m;
            String t = b.hexThrough();
            switch (v) {
                case 4 ->
                        out.add(
                                entry(
                                        table,
                                        metricRow,
                                        RangeValue.encode(CHUNK_TIME_V2, "", "", chunkId),
                                        null));
                case 5, 6 ->
                        out.add(
                                entry(
                                        table,
                                        metricRow,
                                        RangeValue.encode(CHUNK_TIME_V3, t, "", chunkId),
                                        null));
                default -> {}
            }
            for (Label l : labels) {
                if (l.name().equals(Labels.METRIC_NAME)) {
                    continue;
                }
                String labelRow = metricRow + ":" + l.name();
                switch (v) {
                    case 1, 2 -> {
                        checkNoNullByte(l, chunkId);
                        out.add(
                                entry(
                                        table,
                                        metricRow,
                                        RangeValue.encodeUnmarked(l.name(), l.value(), chunkId),
                                        null));
                    }
                    case 3 ->
                            out.add(
                                    entry(
                                            table,
                                            metricRow,
                                            RangeValue.encode(
                                                    CHUNK_TIME_V1,
                                                    l.name(),
                                                    IndexEncoding.b64(l.value()),
                                                    chunkId),
                                            null));
                    case 4 ->
                            out.add(
                                    entry(
                                            table,
                                            labelRow,
                                            RangeValue.encode(
                                                    CHUNK_TIME_V1,
                                                    "",
                                                    IndexEncoding.b64(l.value()),
                                                    chunkId),
                                            null));
                    case 5 ->
                            out.add(
                                    entry(
                                            table,
                                            labelRow,
                                            RangeValue.encode(
                                                    CHUNK_TIME_V4,
                                                    t,
                                                    IndexEncoding.b64(l.value()),
                                                    chunkId),
                                            null));
                    case 6 ->
                            out.add(
                                    entry(
                                            table,
                                            labelRow,
                                            RangeValue.encode(CHUNK_TIME_V5, t, "", chunkId),
                                            GoStrings.bytes(l.value())));
                    default -> throw new IllegalStateException("schema v" + v);
                }
            }
        }
        return out;
    }

    private void checkNoNullByte(Label l, String chunkId) {
        if (l.value().indexOf('\0') >= 0) {
            throw new InvalidRequestException(
                    "label values cannot contain null byte: label "
                            + l.name()
                            + " of chunk "
                            + chunkId
                            + " cannot be indexed with schema "
                            + version());
        }
    }

    @Override
    public boolean isTenantRow(String hashValue, String userId, long fromMs, long throughMs) {
        // <user>:<bucket>:<metric>[:<label>]; tenant IDs hold no ':'.
        String[] parts = hashValue.split(":", 3);
        return parts.length == 3
                && parts[0].equals(userId)
                && isBucketIn(parts[1], fromMs, throughMs);
    }

    @Override
    public List<String> tenantHashPrefixes(String userId) {
        return List.of(userId + ":");
    }

    @Override
    public List<LabelWriteEntries> labelWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels) {
        throw unsupported(
                "label write entries (a series store operation; v1-v6 index per chunk, use writeEntries)");
    }

    @Override
    public List<IndexEntry> chunkWriteEntries(
            long fromMs, long throughMs, String userId, Labels labels, String chunkId) {
        throw unsupported(
                "chunk write entries (a series store operation; v1-v6 index per chunk, use writeEntries)");
    }

    @Override
    public List<IndexQuery> readQueriesForMetric(
            long fromMs, long throughMs, String userId, String metricName) {
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            IndexQuery.Builder q =
                    IndexQuery.builder(b.tableName(), b.hashKey() + ":" + metricName);
            if (v == 6) {
                q.rangeValueStart(RangeValue.prefix(b.hexFrom()));
            }
            out.add(q.build());
        }
        return out;
    }

    @Override
    public List<IndexQuery> readQueriesForMetricLabel(
            long fromMs, long throughMs, String userId, String metricName, String labelName) {
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            String metricRow = b.hashKey() + ":" + metricName;
            out.add(
                    switch (v) {
                        case 1, 2, 3 ->
                                IndexQuery.builder(b.tableName(), metricRow)
                                        .rangeValuePrefix(RangeValue.prefix(labelName))
                                        .build();
                        case 4, 5 -> IndexQuery.row(b.tableName(), metricRow + ":" + labelName);
                        default ->
                                IndexQuery.builder(b.tableName(), metricRow + ":" + labelName)
                                        .rangeValueStart(RangeValue.prefix(b.hexFrom()))
                                        .build();
                    });
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
        if ((v == 1 || v == 2) && labelValue.indexOf('\0') >= 0) {
            throw new InvalidQueryException(
                    "label values cannot contain null byte: the value of "
                            + labelName
                            + " cannot be looked up with schema "
                            + version());
        }
        List<IndexQuery> out = new ArrayList<>();
        for (Bucket b : buckets(fromMs, throughMs, userId)) {
            String metricRow = b.hashKey() + ":" + metricName;
            String labelRow = metricRow + ":" + labelName;
            out.add(
                    switch (v) {
                        case 1, 2 ->
                                IndexQuery.builder(b.tableName(), metricRow)
                                        .rangeValuePrefix(RangeValue.prefix(labelName, labelValue))
                                        .build();
                        case 3 ->
                                IndexQuery.builder(b.tableName(), metricRow)
                                        .rangeValuePrefix(
                                                RangeValue.prefix(
                                                        labelName, IndexEncoding.b64(labelValue)))
                                        .build();
                        case 4 ->
                                IndexQuery.builder(b.tableName(), labelRow)
                                        .rangeValuePrefix(
                                                RangeValue.prefix(
                                                        "", IndexEncoding.b64(labelValue)))
                                        .build();
                        // v5 "did it wrong": its label entries start with the chunk end time, so
                        // the whole row is read and
                        // values are matched after decoding (as Cortex's schema.go does).
                        case 5 -> IndexQuery.row(b.tableName(), labelRow);
                        default ->
                                IndexQuery.builder(b.tableName(), labelRow)
                                        .rangeValueStart(RangeValue.prefix(b.hexFrom()))
                                        .valueEqual(GoStrings.bytes(labelValue))
                                        .build();
                    });
        }
        return out;
    }

    @Override
    public List<IndexQuery> chunksForSeries(
            long fromMs, long throughMs, String userId, String seriesId) {
        throw unsupported("chunks of a series (store schemas v1-v6 have no series index)");
    }

    @Override
    public List<IndexQuery> labelNamesForSeries(
            long fromMs, long throughMs, String userId, String seriesId) {
        throw unsupported("label names of a series (v11 and later only)");
    }

    @Override
    public List<IndexQuery> filterReadQueries(List<IndexQuery> queries, QueryShard shard) {
        return queries;
    }

    private static IndexEntry entry(String table, String hash, byte[] range, byte[] value) {
        return new IndexEntry(table, hash, range, value);
    }
}
