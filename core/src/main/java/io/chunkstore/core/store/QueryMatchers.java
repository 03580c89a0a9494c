package io.chunkstore.core.store;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.spi.InvalidQueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The matcher handling of Cortex's query path: the metric-name matcher, filters versus index
 * matchers, the query shard matcher, the set-match shortcut for regular expressions that are
 * alternations of literals, and the re-check of a fetched chunk's labels against the matchers
 * ({@link #matchesAll}, the one every read path uses).
 */
public final class QueryMatchers {
    /** The label of Cortex's query sharding ({@code __cortex_shard__="N_of_M"}). */
    static final String SHARD_LABEL = "__cortex_shard__";

    private static final Pattern SHARD_VALUE = Pattern.compile("^[0-9]+_of_[0-9]+$");
    private static final String REGEX_META = ".+*?()|[]{}^$";

    private QueryMatchers() {}

    /** A query's matchers taken apart: the metric name and the rest. */
    record MetricQuery(String metricName, List<LabelMatcher> others) {}

    /**
     * Cortex's {@code MetricNameMatcherFromMatchers} plus the equality check: removes the first
     * {@code __name__} matcher, which must be an equality.
     *
     * @throws InvalidQueryException "query must contain metric name" otherwise
     */
    static MetricQuery metricName(List<LabelMatcher> matchers) {
        for (int i = 0; i < matchers.size(); i++) {
            LabelMatcher m = matchers.get(i);
            if (m.name().equals(Labels.METRIC_NAME)) {
                if (m.type() != LabelMatcher.Type.EQUAL) {
                    break;
                }
                List<LabelMatcher> rest = new ArrayList<>(matchers);
                rest.remove(i);
                return new MetricQuery(m.value(), List.copyOf(rest));
            }
        }
        throw new InvalidQueryException("query must contain metric name");
    }

    /**
     * Matchers that match the empty string ({@code a=""}, {@code a!="x"}, {@code a=~".*"}):
     * post-fetch filters.
     */
    static List<LabelMatcher> filters(List<LabelMatcher> matchers) {
        return matchers.stream().filter(m -> m.matches("")).toList();
    }

    /** Matchers that do not match the empty string: the ones that drive index lookups. */
    static List<LabelMatcher> indexMatchers(List<LabelMatcher> matchers) {
        return matchers.stream().filter(m -> !m.matches("")).toList();
    }

    /** The first {@code __cortex_shard__} equality matcher, or -1. */
    static int shardIndex(List<LabelMatcher> matchers) {
        for (int i = 0; i < matchers.size(); i++) {
            LabelMatcher m = matchers.get(i);
            if (m.name().equals(SHARD_LABEL) && m.type() == LabelMatcher.Type.EQUAL) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The query shard of a {@code __cortex_shard__} value ({@code 3_of_16}).
     *
     * @throws InvalidQueryException with Cortex's messages for a malformed value or a shard out of
     *     bounds
     */
    static QueryShard parseShard(String value) {
        if (!SHARD_VALUE.matcher(value).matches()) {
            throw new InvalidQueryException("Invalid ShardLabel value: [" + value + "]");
        }
        String[] parts = value.split("_");
        int shard;
        int of;
        try {
            shard = Integer.parseInt(parts[0]);
            of = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new InvalidQueryException(
                    "Invalid ShardLabel value: [" + value + "]: " + e.getMessage(), e);
        }
        if (shard >= of) {
            throw new InvalidQueryException(
                    "Shards out of bounds: [" + shard + "] >= [" + of + "]");
        }
        return new QueryShard(shard, of);
    }

    /**
     * Cortex's {@code FindSetMatches}: the literal values of a regular expression that is only an
     * alternation of literals ({@code a|b|c}, with {@code \} escaping a metacharacter or a
     * backslash), empty alternatives dropped; an empty list when the pattern uses any other regex
     * feature.
     */
    static List<String> setMatches(String pattern) {
        List<StringBuilder> sets = new ArrayList<>();
        sets.add(new StringBuilder());
        boolean escaped = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            StringBuilder cur = sets.get(sets.size() - 1);
            if (escaped) {
                if (isMeta(c) || c == '\\') {
                    cur.append(c);
                } else {
                    return List.of();
                }
                escaped = false;
            } else if (isMeta(c)) {
                if (c != '|') {
                    return List.of();
                }
                sets.add(new StringBuilder());
            } else if (c == '\\') {
                escaped = true;
            } else {
                cur.append(c);
            }
        }
        List<String> out = new ArrayList<>(sets.size());
        for (StringBuilder s : sets) {
            if (s.length() > 0) {
                out.add(s.toString());
            }
        }
        return out;
    }

    private static boolean isMeta(char c) {
        return REGEX_META.indexOf(c) >= 0;
    }

    /**
     * Whether a series with {@code labels} passes every matcher (an absent label has the value ""):
     * the re-check of a fetched chunk, which the index may have selected by a hash or a shard
     * alone.
     */
    public static boolean matchesAll(Labels labels, List<LabelMatcher> matchers) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code %v} of a matcher slice: {@code [a="1" b=~"x"]}. */
    static String format(List<LabelMatcher> matchers) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < matchers.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(matchers.get(i));
        }
        return sb.append(']').toString();
    }
}
