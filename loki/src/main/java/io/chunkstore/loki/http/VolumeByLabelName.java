package io.chunkstore.loki.http;

import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.query.MetricResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loki's log volume with {@code aggregateBy=labels}: the bytes of the matching streams summed per
 * label name, each stream counted once for every label it has (only the {@code targetLabels} when
 * the request names them), answered as series whose one label is that name with an empty value
 * (grafana/loki pkg/storage/stores/index/seriesvolume/volume.go and
 * pkg/querier/queryrange/volume.go).
 */
final class VolumeByLabelName {

    /** Loki's order of volumes: the largest first, then by name. */
    static final Comparator<MetricResult.Series> LARGEST_FIRST =
            Comparator.<MetricResult.Series>comparingDouble(s -> -s.values()[0])
                    .thenComparing(MetricResult.Series::labels, Labels.ORDER);

    private VolumeByLabelName() {}

    /**
     * Folds per-stream volumes into per-label-name volumes, point by point (a stream without bytes
     * in a step has no point there).
     *
     * @param targetLabels the only names to count, or null for every name
     */
    static MetricResult fold(MetricResult perStream, List<String> targetLabels) {
        Map<String, TreeMap<Long, Double>> byName = new TreeMap<>();
        for (MetricResult.Series s : perStream.series()) {
            for (Label l : s.labels()) {
                if (targetLabels != null && !targetLabels.contains(l.name())) {
                    continue;
                }
                TreeMap<Long, Double> sum = byName.computeIfAbsent(l.name(), n -> new TreeMap<>());
                for (int i = 0; i < s.values().length; i++) {
                    sum.merge(s.timestampsMs()[i], s.values()[i], Double::sum);
                }
            }
        }
        List<MetricResult.Series> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Double>> e : byName.entrySet()) {
            long[] times = new long[e.getValue().size()];
            double[] values = new double[times.length];
            int i = 0;
            for (Map.Entry<Long, Double> p : e.getValue().entrySet()) {
                times[i] = p.getKey();
                values[i++] = p.getValue();
            }
            out.add(new MetricResult.Series(Labels.of(e.getKey(), ""), times, values));
        }
        out.sort(LARGEST_FIRST);
        return new MetricResult(perStream.type(), out, perStream.stats(), perStream.skipped());
    }
}
