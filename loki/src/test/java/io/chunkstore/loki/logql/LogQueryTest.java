package io.chunkstore.loki.logql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.spi.InvalidQueryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LogQL subset: selectors, line filters in order, Go string literals, and clear rejections of
 * the rest.
 */
class LogQueryTest {

    private static boolean test(String query, String line) {
        return LogQuery.parse(query).test(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesSelectorAndFiltersInOrder() {
        LogQuery q =
                LogQuery.parse(
                        " {job=\"varlogs\", level=~`warn|error`} |= \"error\" != `debug`"
                                + " |~ \"code=\\\\d+\" !~ 'x'");
        assertThat(q.matchers())
                .containsExactly(
                        LabelMatcher.equal("job", "varlogs"),
                        LabelMatcher.of(LabelMatcher.Type.REGEX, "level", "warn|error"));
        assertThat(q.lineFilters())
                .containsExactly(
                        LineFilter.of(LineFilter.Type.CONTAINS, "error"),
                        LineFilter.of(LineFilter.Type.NOT_CONTAINS, "debug"),
                        LineFilter.of(LineFilter.Type.MATCHES, "code=\\d+"),
                        LineFilter.of(LineFilter.Type.NOT_MATCHES, "x"));
        assertThat(q.toString())
                .isEqualTo(
                        "{job=\"varlogs\", level=~\"warn|error\"} |= \"error\" != \"debug\""
                                + " |~ \"code=\\\\d+\" !~ \"x\"");
        assertThat(LogQuery.parse(q.toString())).isEqualTo(q);
        assertThat(LogQuery.parse("{a=\"b\"}").lineFilters()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '\u0000',
            value = {
                "{a=\"1\"} |= \"err\" ; an error here ; true",
                "{a=\"1\"} |= \"err\" ; all good ; false",
                "{a=\"1\"} != \"err\" ; an error here ; false",
                "{a=\"1\"} |= \"\" ; anything ; true",
                "{a=\"1\"} != \"\" ; anything ; false",
                "{a=\"1\"} |~ \"e.r\" ; an error here ; true",
                "{a=\"1\"} |~ \"^err\" ; an error here ; false",
                "{a=\"1\"} |~ \"here$\" ; an error here ; true",
                "{a=\"1\"} !~ \"[0-9]\" ; no digits ; true",
                "{a=\"1\"} |~ \"(?i)ERROR\" ; an error here ; true",
                "{a=\"1\"} |= \"é\" |= \"ü\" ; é and ü ; true",
                "{a=\"1\"} |= \"é\" |= \"x\" ; é and ü ; false",
            })
    void lineFiltersFollowGoSemantics(String query, String line, boolean passes) {
        assertThat(test(query.strip(), line.strip())).isEqualTo(passes);
    }

    @Test
    void regexFiltersAreUnanchoredRe2OnBytes() {
        LogQuery q = LogQuery.parse("{a=\"1\"} |~ \"b.d\"");
        assertThat(q.test("abcde".getBytes(StandardCharsets.UTF_8))).isTrue();
        // "." does not match a newline (RE2 default), as in Go.
        assertThat(q.test("ab\nde".getBytes(StandardCharsets.UTF_8))).isFalse();
        // A multi-byte rune is one character for "."
        assertThat(q.test("abéde".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(q.test("abééde".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(
                        LogQuery.parse("{a=\"1\"} |~ \"bé\"")
                                .test("abéd".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        // Byte filters see raw bytes, including invalid UTF-8.
        assertThat(LogQuery.parse("{a=\"1\"} |= \"\\xff\"").test(new byte[] {'a', (byte) 0xff}))
                .isFalse();
        assertThat(LogQuery.parse("{a=\"1\"} |= \"b\"").test(new byte[] {(byte) 0xff, 'b'}))
                .isTrue();
        assertThatThrownBy(() -> LogQuery.parse("{a=\"1\"} |~ \"(?<=x)y\""))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "rate({job=\"a\"}[5m]); metric queries are not supported (rate(...))",
                "sum by (job) (count_over_time({job=\"a\"}[1m])); metric queries are not supported (sum(...))",
                "count_over_time({job=\"a\"}[1m]); metric queries are not supported (count_over_time(...))",
                "{job=\"a\"} | json; the pipeline stage | json is not supported",
                "{job=\"a\"} |= \"x\" | logfmt | level=\"error\"; the pipeline stage | logfmt is not supported",
                "{job=\"a\"} | line_format \"{{.msg}}\"; the pipeline stage | line_format is not supported",
                "{job=\"a\"} | level=\"error\"; label filters (| level ...) are not supported",
                "{job=\"a\"} |> \"<_> error\"; pattern line filters (|> and !>) are not supported",
                "{job=\"a\"} |= \"a\" or \"b\"; 'or' between line filter values",
                "{job=\"a\"} |= ip(\"10.0.0.0/8\"); the ip() line filter",
                "{job=\"a\"}[5m]; range vectors ([5m]) belong to metric queries",
                "1 + 1; metric and scalar expressions are not supported",
            })
    void rejectsWhatIsOutsideTheSubsetNamingIt(String query, String message) {
        assertThatThrownBy(() -> LogQuery.parse(query))
                .isInstanceOf(UnsupportedQueryException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "{}",
                "{a=~\".*\"}",
                "{a!=\"x\"}",
                "{a=\"1\"",
                "{a=\"1\"} |= ",
                "{a=\"1\"} |= x",
                "{a=\"1\"} foo",
                "job",
                "{a=\"1\"} |= \"unterminated"
            })
    void rejectsMalformedQueries(String query) {
        assertThatThrownBy(() -> LogQuery.parse(query))
                .isInstanceOf(InvalidQueryException.class)
                .isNotInstanceOf(UnsupportedQueryException.class)
                .hasMessageNotContaining("null");
    }

    @Test
    void emptyCompatibleSelectorsGetLokisMessage() {
        assertThatThrownBy(() -> LogQuery.parse("{app=~\".*\"}"))
                .hasMessageContaining(
                        "at least one regexp or equality matcher that does not have an"
                                + " empty-compatible value");
        assertThat(LogQuery.parse("{app=~\".+\", env!=\"\"}").matchers()).hasSize(2);
    }

    @Test
    void legacyRegexpParameterAppendsAFilter() {
        LogQuery q = LogQuery.parse("{a=\"1\"} |= \"x\"").withLineFilter(LineFilter.matches("y$"));
        assertThat(q.toString()).isEqualTo("{a=\"1\"} |= \"x\" |~ \"y$\"");
        assertThat(q.test("x y".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(q.test("y x".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
