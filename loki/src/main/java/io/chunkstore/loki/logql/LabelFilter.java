package io.chunkstore.loki.logql;

import io.chunkstore.core.model.LabelMatcher;

/**
 * A LogQL label filter ({@code | level="error"}, {@code | status >= 500}, {@code | took > 1s},
 * {@code | size > 10KB}, combined with {@code and}, {@code or} and {@code ,}), with Loki's
 * semantics (grafana/loki {@code pkg/logql/log/label_filter.go}): a string filter treats a missing
 * label as {@code ""}; a numeric, duration or bytes filter drops a line without the label, and on a
 * value it cannot parse records {@code __error__="LabelFilterErr"} and keeps the line; once a line
 * has an error only string filters can drop it.
 */
public sealed interface LabelFilter
        permits LabelFilter.And,
                LabelFilter.Or,
                LabelFilter.StringFilter,
                LabelFilter.NumericFilter,
                LabelFilter.DurationFilter,
                LabelFilter.BytesFilter,
                LabelFilter.IpFilter {

    /** Loki's error for a label filter that could not parse a value. */
    String ERROR = "LabelFilterErr";

    /** Whether the line is kept; may record an error in {@code lbs}. */
    boolean test(LabelsBuilder lbs);

    /** Both. */
    record And(LabelFilter left, LabelFilter right) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            return left.test(lbs) && right.test(lbs);
        }
    }

    /** Either. */
    record Or(LabelFilter left, LabelFilter right) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            return left.test(lbs) || right.test(lbs);
        }
    }

    /** {@code name = "v"}, {@code != =~ !~}. */
    record StringFilter(LabelMatcher matcher) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            String v = lbs.get(matcher.name());
            return matcher.matches(v == null ? "" : v);
        }
    }

    /**
     * {@code name = ip("...")} or {@code name != ip("...")} (grafana/loki {@code
     * pkg/logql/log/ip.go}): the label's value is an address the pattern covers (or, negated, is
     * not); a line without the label is dropped either way, and a line that already has an error is
     * kept.
     */
    record IpFilter(String name, IpPattern pattern, boolean negated) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            if (lbs.hasError()) {
                return true;
            }
            String v = lbs.get(name);
            if (v == null) {
                return false;
            }
            return pattern.matchesAddress(v) != negated;
        }
    }

    /** The comparison operators of numeric, duration and bytes filters. */
    enum Comparison {
        EQ("=="),
        NE("!="),
        GT(">"),
        GE(">="),
        LT("<"),
        LE("<=");

        private final String text;

        Comparison(String text) {
            this.text = text;
        }

        /** The operator as written. */
        public String text() {
            return text;
        }

        boolean compare(double a, double b) {
            return switch (this) {
                case EQ -> a == b;
                case NE -> a != b;
                case GT -> a > b;
                case GE -> a >= b;
                case LT -> a < b;
                case LE -> a <= b;
            };
        }
    }

    /** Shared logic of the typed filters. */
    private static boolean typed(
            LabelsBuilder lbs,
            String name,
            java.util.function.ToDoubleFunction<String> parse,
            Comparison op,
            double value) {
        if (lbs.hasError()) {
            return true;
        }
        String v = lbs.get(name);
        if (v == null) {
            return false;
        }
        double d;
        try {
            d = parse.applyAsDouble(v);
        } catch (IllegalArgumentException e) {
            lbs.setError(ERROR, e.getMessage());
            return true;
        }
        return op.compare(d, value);
    }

    /** {@code name > 5}. */
    record NumericFilter(String name, Comparison op, double value) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            return typed(lbs, name, Values::parseFloat, op, value);
        }
    }

    /** {@code name > 1s}: the label parsed as a Go duration. */
    record DurationFilter(String name, Comparison op, long valueNs) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            return typed(lbs, name, s -> Values.goDurationNs(s), op, valueNs);
        }
    }

    /** {@code name > 10KB}: the label parsed as a byte size (humanize.ParseBytes). */
    record BytesFilter(String name, Comparison op, long valueBytes) implements LabelFilter {
        @Override
        public boolean test(LabelsBuilder lbs) {
            return typed(lbs, name, s -> Values.bytes(s), op, valueBytes);
        }
    }
}
