package io.chunkstore.loki.query;

import io.chunkstore.core.model.Labels;
import java.util.List;

/**
 * The result of a metric query, in Loki's result types: {@code matrix} (a range query), {@code
 * vector} (an instant query of a vector expression) or {@code scalar} (an instant query of a
 * number).
 *
 * @param type {@code "matrix"}, {@code "vector"} or {@code "scalar"}
 * @param series the series; for a vector each has one point, for a scalar there is one series with
 *     no labels and one point
 * @param stats the store counters of every log range read
 * @param skipped what skip-corrupt left out
 */
public record MetricResult(
        String type, List<Series> series, QueryStats stats, List<SkippedChunk> skipped) {

    /**
     * One series.
     *
     * @param labels its labels
     * @param timestampsMs point times in ms
     * @param values point values
     */
    public record Series(Labels labels, long[] timestampsMs, double[] values) {}
}
