package io.chunkstore.loki.logql;

import io.chunkstore.core.model.LabelMatcher;
import java.util.List;
import java.util.Objects;

/**
 * A parsed LogQL expression: a log query ({@link LogExpr}) or a metric query ({@link SampleExpr}).
 * The grammar is Loki's {@code pkg/logql/syntax/expr.y} (grafana/loki); {@link LogQL#parse} builds
 * it. Immutable.
 */
public sealed interface Expr permits Expr.LogExpr, Expr.SampleExpr {

    /**
     * A log query: a stream selector, the line filters that come before any other stage (run while
     * chunks are read) and the rest of the pipeline.
     *
     * @param selector the stream selector with the leading line filters
     * @param pipeline the stages after the leading line filters, in order
     */
    record LogExpr(LogQuery selector, Pipeline pipeline) implements Expr {
        public LogExpr {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(pipeline, "pipeline");
        }

        /** The stream matchers. */
        public List<LabelMatcher> matchers() {
            return selector.matchers();
        }
    }

    /** A metric (sample) expression. */
    sealed interface SampleExpr extends Expr
            permits RangeAggregation,
                    VectorAggregation,
                    BinaryOperation,
                    Literal,
                    VectorLiteral,
                    LabelReplace {}

    /**
     * {@code by (a, b)} or {@code without (a, b)}.
     *
     * @param without whether the labels are dropped rather than kept
     * @param labels the label names
     */
    record Grouping(boolean without, List<String> labels) {
        public Grouping {
            labels = List.copyOf(labels);
        }
    }

    /**
     * The unwrap stage of a range: {@code | unwrap latency}, {@code | unwrap duration(took)} or
     * {@code | unwrap bytes(size)}, and the label filters after it.
     *
     * @param label the label whose value becomes the sample
     * @param conversion {@code ""}, {@code "duration"}, {@code "duration_seconds"} or {@code
     *     "bytes"}
     * @param postFilters label filters applied after the value was extracted
     */
    record Unwrap(String label, String conversion, List<LabelFilter> postFilters) {
        public Unwrap {
            postFilters = List.copyOf(postFilters);
        }
    }

    /**
     * A log range: {@code {app="x"} | json [5m] offset 1h}.
     *
     * @param log the log query
     * @param rangeNs the range in ns
     * @param offsetNs the offset in ns (0 without)
     * @param unwrap the unwrap stage or null
     */
    record LogRange(LogExpr log, long rangeNs, long offsetNs, Unwrap unwrap) {}

    /**
     * A range aggregation: {@code count_over_time(... [5m])}, {@code quantile_over_time(0.99,
     * ...)}.
     *
     * @param operation the function name
     * @param range the log range
     * @param parameter the quantile for {@code quantile_over_time}, else null
     * @param grouping by/without on unwrapped ranges, or null
     */
    record RangeAggregation(String operation, LogRange range, Double parameter, Grouping grouping)
            implements SampleExpr {}

    /**
     * A vector aggregation: {@code sum by (a) (...)}, {@code topk(5, ...)}.
     *
     * @param operation the aggregation name
     * @param inner the aggregated expression
     * @param grouping by/without, or null
     * @param parameter k of topk/bottomk, else 0
     */
    record VectorAggregation(String operation, SampleExpr inner, Grouping grouping, int parameter)
            implements SampleExpr {}

    /**
     * How two vectors are matched: {@code on (a)}/{@code ignoring (a)} and {@code
     * group_left/group_right (b)}.
     *
     * @param on whether {@code labels} are the only labels matched ({@code on}) or the ignored ones
     * @param labels the label names
     * @param card {@code "one-to-one"}, {@code "many-to-one"} (group_left) or {@code "one-to-many"}
     *     (group_right)
     * @param include the labels copied from the "one" side
     */
    record VectorMatching(boolean on, List<String> labels, String card, List<String> include) {
        public VectorMatching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }

        /** Plain one-to-one matching on all labels. */
        public static final VectorMatching DEFAULT =
                new VectorMatching(false, List.of(), "one-to-one", List.of());
    }

    /**
     * A binary operation.
     *
     * @param operator {@code + - * / % ^ == != > >= < <= and or unless}
     * @param left the left operand
     * @param right the right operand
     * @param returnBool the {@code bool} modifier of comparisons
     * @param matching vector matching
     */
    record BinaryOperation(
            String operator,
            SampleExpr left,
            SampleExpr right,
            boolean returnBool,
            VectorMatching matching)
            implements SampleExpr {}

    /**
     * A number.
     *
     * @param value the value
     */
    record Literal(double value) implements SampleExpr {}

    /**
     * {@code vector(1)}.
     *
     * @param value the value
     */
    record VectorLiteral(double value) implements SampleExpr {}

    /**
     * {@code label_replace(v, "dst", "replacement", "src", "regex")}.
     *
     * @param inner the vector
     * @param dst destination label
     * @param replacement the replacement with {@code $1}/{@code ${name}} references
     * @param src source label
     * @param regex anchored RE2 regex
     */
    record LabelReplace(SampleExpr inner, String dst, String replacement, String src, String regex)
            implements SampleExpr {}
}
