package io.chunkstore.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.schema.QueryShard;
import io.chunkstore.spi.InvalidQueryException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryMatchersTest {

    @Test
    void setMatchesFindsAlternationsOfLiterals() {
        assertThat(QueryMatchers.setMatches("foo")).containsExactly("foo");
        assertThat(QueryMatchers.setMatches("foo|bar|baz")).containsExactly("foo", "bar", "baz");
        assertThat(QueryMatchers.setMatches("foo\\.bar|baz")).containsExactly("foo.bar", "baz");
        assertThat(QueryMatchers.setMatches("foo|bar\\|baz")).containsExactly("foo", "bar|baz");
        assertThat(QueryMatchers.setMatches("foo\\\\|bar")).containsExactly("foo\\", "bar");
        assertThat(QueryMatchers.setMatches("a||b|")).containsExactly("a", "b");
        assertThat(QueryMatchers.setMatches("é|ü")).containsExactly("é", "ü");
        // Anything else is a real regular expression.
        assertThat(QueryMatchers.setMatches("foo.bar")).isEmpty();
        assertThat(QueryMatchers.setMatches("(foo|bar)")).isEmpty();
        assertThat(QueryMatchers.setMatches("foo|ba+r")).isEmpty();
        assertThat(QueryMatchers.setMatches("fo[o]")).isEmpty();
        assertThat(QueryMatchers.setMatches("foo\\d")).isEmpty();
        assertThat(QueryMatchers.setMatches("^foo$")).isEmpty();
        assertThat(QueryMatchers.setMatches("")).isEmpty();
    }

    @Test
    void theMetricNameMustBeAnEquality() {
        QueryMatchers.MetricQuery q =
                QueryMatchers.metricName(Selectors.parseMatchers("foo{a=\"1\"}"));
        assertThat(q.metricName()).isEqualTo("foo");
        assertThat(q.others()).containsExactly(LabelMatcher.equal("a", "1"));
        assertThatThrownBy(() -> QueryMatchers.metricName(Selectors.parseMatchers("{foo=\"bar\"}")))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessage("query must contain metric name");
        assertThatThrownBy(
                        () ->
                                QueryMatchers.metricName(
                                        Selectors.parseMatchers("{__name__=~\"bar\"}")))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessage("query must contain metric name");
    }

    @Test
    void matchersThatMatchTheEmptyStringAreFilters() {
        List<LabelMatcher> m =
                Selectors.parseMatchers(
                        "{a=\"\", b!=\"x\", c=~\".*\", d=\"1\", e=~\"x|y\", f!~\"\", g!=\"\"}");
        assertThat(QueryMatchers.filters(m))
                .extracting(LabelMatcher::name)
                .containsExactly("a", "b", "c");
        assertThat(QueryMatchers.indexMatchers(m))
                .extracting(LabelMatcher::name)
                .containsExactly("d", "e", "f", "g");
    }

    @Test
    void shardValuesParseAsCortexDoes() {
        assertThat(QueryMatchers.parseShard("3_of_16")).isEqualTo(new QueryShard(3, 16));
        assertThatThrownBy(() -> QueryMatchers.parseShard("3of16"))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessage("Invalid ShardLabel value: [3of16]");
        assertThatThrownBy(() -> QueryMatchers.parseShard("16_of_16"))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessage("Shards out of bounds: [16] >= [16]");
        assertThat(
                        QueryMatchers.shardIndex(
                                Selectors.parseMatchers(
                                        "foo{a=\"1\", __cortex_shard__=\"1_of_2\"}")))
                .isEqualTo(2);
        assertThat(
                        QueryMatchers.shardIndex(
                                Selectors.parseMatchers("foo{__cortex_shard__=~\"1_of_2\"}")))
                .isEqualTo(-1);
    }

    @Test
    void matchersPrintAsGoPrintsASlice() {
        assertThat(QueryMatchers.format(Selectors.parseMatchers("foo{bar=~\"a|b\", x!=\"q\\\"\"}")))
                .isEqualTo("[__name__=\"foo\" bar=~\"a|b\" x!=\"q\\\"\"]");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "1500, 1.5µs",
        "2000000, 2ms",
        "1500000000, 1.5s",
        "300000000000, 5m0s",
        "2678400000000000, 744h0m0s",
        "3723000000000, 1h2m3s",
        "3600500000000, 1h0m0.5s",
    })
    void durationsPrintAsGoPrintsThem(long nanos, String text) {
        assertThat(GoFormat.duration(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void timesPrintAsPrometheusModelTime() {
        assertThat(GoFormat.modelTime(0)).isEqualTo("0");
        assertThat(GoFormat.modelTime(2_678_400_000L)).isEqualTo("2678400");
        assertThat(GoFormat.modelTime(1_557_650_721_500L)).isEqualTo("1557650721.5");
        assertThat(GoFormat.modelTime(1_557_650_721_001L)).isEqualTo("1557650721.001");
    }
}
