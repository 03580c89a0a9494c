package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Cortex's parseChunkTimeRangeValue and friends (pkg/chunk/schema_util.go): parsing index entries
 * back, every marker and every error.
 */
class RangeValueParserTest {
    static final String C = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c";
    static final String S = "RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ParsedRangeValue parse(String range, String value) {
        return RangeValueParser.parseChunkTimeRangeValue(b(range), value == null ? null : b(value));
    }

    @Test
    void legacyThreeComponentKeysCarryTheRawValue() {
        assertThat(parse("bar\0baz\0" + C + "\0", null)).isEqualTo(new ParsedRangeValue(C, "baz"));
    }

    @Test
    void everyChunkTimeMarker() {
        assertThat(parse("bar\0YmF6\0" + C + "\0\u0001\0", null))
                .isEqualTo(new ParsedRangeValue(C, "baz"));
        assertThat(parse("bar\0YmF6\0" + C + "\0001\0", null))
                .isEqualTo(new ParsedRangeValue(C, "baz"));
        assertThat(parse("\0\0" + C + "\0002\0", null)).isEqualTo(new ParsedRangeValue(C, ""));
        assertThat(parse("0217e768\0\0" + C + "\0003\0", "-"))
                .isEqualTo(new ParsedRangeValue(C, ""));
        assertThat(parse("0217e768\0Y29kZQ\0" + C + "\0004\0", null))
                .isEqualTo(new ParsedRangeValue(C, "code"));
        assertThat(parse("0217e768\0\0" + C + "\0005\0", "baz"))
                .isEqualTo(new ParsedRangeValue(C, "baz"));
        assertThat(parse(S + "\0\0\0007\0", "-")).isEqualTo(new ParsedRangeValue(S, ""));
        assertThat(parse("uqWglk0zIPvAxqkiFARTyFE+okq4/QV3A0gEqWckgJY\0" + S + "\0\0008\0", "baz"))
                .isEqualTo(new ParsedRangeValue(S, "baz"));
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("a\0b\0", null))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("invalid chunk time range value")
                .hasMessageContaining("610062");
        assertThatThrownBy(() -> parse("a\0b\0c\0x\0", null))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("unrecognised chunkTimeRangeKey version \"x\"");
        assertThatThrownBy(() -> parse("a\0b\0c\0ab\0", null))
                .hasMessageContaining("unrecognised chunkTimeRangeKey version \"ab\"");
        assertThatThrownBy(() -> parse("\0\0\0009\0", "[]"))
                .hasMessageContaining("unrecognised chunkTimeRangeKey version \"9\"");
        assertThatThrownBy(() -> parse("x\0\0\0006\0", "foo"))
                .hasMessageContaining("unrecognised chunkTimeRangeKey version \"6\"");
        assertThatThrownBy(() -> parse("bar\0Y!F6\0c\0001\0", null))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("invalid base64 label value \"Y!F6\"");
    }

    @Test
    void metricNameRows() {
        assertThat(RangeValueParser.parseMetricNameRangeValue(b("hash\0\0\0006\0"), b("foo")))
                .isEqualTo("foo");
        assertThatThrownBy(() -> RangeValueParser.parseMetricNameRangeValue(b("a\0b\0"), b("foo")))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("invalid metric name range value");
        assertThatThrownBy(
                        () ->
                                RangeValueParser.parseMetricNameRangeValue(
                                        b("a\0\0\0007\0"), b("foo")))
                .hasMessageContaining("unrecognised metricNameRangeKey version \"7\"");
    }

    @Test
    void labelNamesRows() {
        assertThat(RangeValueParser.parseLabelNamesValue(b("\0\0\0009\0"), b("[\"bar\",\"toms\"]")))
                .containsExactly("bar", "toms");
        assertThatThrownBy(() -> RangeValueParser.parseLabelNamesValue(b("\0\0\0007\0"), b("[]")))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("not a label names range value");
        assertThatThrownBy(
                        () ->
                                RangeValueParser.parseLabelNamesValue(
                                        b("\0\0\0009\0"), b("{\"a\":1}")))
                .isInstanceOf(InvalidRangeValueException.class)
                .hasMessageContaining("not a JSON array of strings");
        assertThatThrownBy(
                        () -> RangeValueParser.parseLabelNamesValue(b("\0\0\0009\0"), b("[null]")))
                .isInstanceOf(InvalidRangeValueException.class);
    }
}
