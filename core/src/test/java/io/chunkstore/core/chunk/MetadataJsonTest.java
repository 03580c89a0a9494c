package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metadata JSON: exact time formatting and parsing, escaping, field order, lenient reading. */
class MetadataJsonTest {
    @ParameterizedTest
    @CsvSource({
        "1600000000120, 1600000000.120, 1600000000.12",
        "1600000000005, 1600000000.005, 1600000000.005",
        "1600000000100, 1600000000.100, 1600000000.1",
        "1600000000000, 1600000000, 1600000000",
        "1557650721000, 1557650721, 1557650721",
        "1700000007001, 1700000007.001, 1700000007.001",
        "0, 0, 0",
        "1, 0.001, 0.001",
        "999, 0.999, 0.999",
        "-1, -0.001, -0.001",
        "-1500, -1.500, -1.5",
        "-1600000000120, -1600000000.120, -1600000000.12",
        "549592256611, 549592256.611, 549592256.611",
        "9223372036854775807, 9223372036854775.807, 9223372036854776",
        "-9223372036854775808, -9223372036854775.808, -9223372036854776",
    })
    void formatsTimesLikeCortexAndLikeGoFormatFloat(long ms, String cortex, String go) {
        assertThat(MetadataJson.formatSecondsJsoniter(ms)).isEqualTo(cortex);
        assertThat(MetadataJson.formatSecondsGo(ms)).isEqualTo(go);
    }

    @ParameterizedTest
    @CsvSource({
        "549592256.611, 549592256611",
        "1600000000.120, 1600000000120",
        "1600000000.12, 1600000000120",
        "1600000000.1, 1600000000100",
        "1600000000.005, 1600000000005",
        "1557650721, 1557650721000",
        "-1.500, -1500",
        "-1.5, -1500",
        "-0.001, -1",
        "0, 0",
        "0.0009, 0",
        "-0.0009, 0",
        "1.2345, 1234",
        "-1.2345, -1234",
        "1.5e3, 1500000",
        "1E-3, 1",
        "9223372036854775.807, 9223372036854775807",
        "-9223372036854775.808, -9223372036854775808",
    })
    void parsesTimesExactlyFromTheDecimalText(String text, long ms) {
        assertThat(MetadataJson.parseSeconds(text)).isEqualTo(ms);
    }

    @Test
    void timesOutOfRangeAreRejected() {
        for (String bad :
                new String[] {
                    "9223372036854775.808", "1e30", "1e2147483647", "x", "1" + "0".repeat(70)
                }) {
            assertThatThrownBy(() -> MetadataJson.parseSeconds(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(MetadataJson.parseSeconds("1e-2147483647")).isZero();
    }

    /**
     * For times a float64 carries to the millisecond, Go's shortest form is Cortex's without
     * trailing zeros.
     */
    @Property
    void goFormatIsCortexFormatWithoutTrailingZeros(
            @ForAll @LongRange(min = -4_000_000_000_000_000L, max = 4_000_000_000_000_000L)
                    long ms) {
        String cortex = MetadataJson.formatSecondsJsoniter(ms);
        String trimmed = cortex.contains(".") ? cortex.replaceAll("0+$", "") : cortex;
        assertThat(MetadataJson.formatSecondsGo(ms)).isEqualTo(trimmed);
        assertThat(MetadataJson.parseSeconds(MetadataJson.formatSecondsGo(ms))).isEqualTo(ms);
    }

    @Property
    void cortexTimesRoundTripForEveryLong(@ForAll long ms) {
        assertThat(MetadataJson.parseSeconds(MetadataJson.formatSecondsJsoniter(ms))).isEqualTo(ms);
    }

    static String written(Labels labels, MetadataStyle style) {
        byte[] b =
                MetadataJson.write(
                        new MetadataJson.Metadata("us\"er", -1L, 1600000000120L, -5L, labels, 129),
                        style);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void writesFieldsInGoOrderWithJsoniterEscaping() {
        Labels l =
                Labels.of(
                        "__name__",
                        "a\"b\\c\n\r\t\u0001\u0008\u000c\u001f\u007f</>&\u2028\u2029é😀");
        assertThat(written(l, MetadataStyle.JSONITER))
                .isEqualTo(
                        "{\"fingerprint\":18446744073709551615,"
                                + "\"userID\":\"us\\\"er\",\"from\":1600000000.120,\"through\":-0.005,\"metric\":{\"__name__\":"
                                + "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u0008\\u000c\\u001f\u007f</>&\u2028\u2029é😀\"},"
                                + "\"encoding\":129}\n");
    }

    @Test
    void goEncodingJsonStyleAlsoEscapesHtmlAndLineSeparators() {
        Labels l = Labels.of("__name__", "a\"b\\c\n\t\u0001</>&\u2028\u2029é");
        assertThat(written(l, MetadataStyle.GO_ENCODING_JSON))
                .isEqualTo(
                        "{\"fingerprint\":18446744073709551615,"
                                + "\"userID\":\"us\\\"er\",\"from\":1600000000.12,\"through\":-0.005,\"metric\":{\"__name__\":"
                                + "\"a\\\"b\\\\c\\n\\t\\u0001\\u003c/\\u003e\\u0026\\u2028\\u2029é\"},\"encoding\":129}\n");
    }

    @Test
    void loneSurrogatesAreWrittenAsReplacementCharacters() {
        assertThat(written(Labels.of("a", "x\ud800y"), MetadataStyle.JSONITER))
                .contains("\"a\":\"x\ufffdy\"");
    }

    static MetadataJson.Metadata read(String json) {
        return MetadataJson.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatItWrites() {
        Labels l = Labels.of("__name__", "a\"b\\c\n\t\u0001</>&\u2028é😀", "z", "");
        for (MetadataStyle style : MetadataStyle.values()) {
            MetadataJson.Metadata m =
                    new MetadataJson.Metadata("tenant", Long.MIN_VALUE, 1600000000120L, -5L, l, 3);
            assertThat(MetadataJson.read(MetadataJson.write(m, style))).isEqualTo(m);
        }
    }

    @Test
    void readsMembersInAnyOrderIgnoringCaseAndUnknownMembers() {
        MetadataJson.Metadata m =
                read(
                        "{\"Encoding\":3,\"metric\":{\"toms\":\"code\",\"bar\":\"baz\",\"__name__\":"
                                + "\"foo\"},\"extra\":{\"a\":[1,{\"b\":2}]},\"THROUGH\":1557654321,\"from\":1557650721.5,"
                                + "\"userid\":\"u\",\"fingerprint\":18245339272195143978} trailing");
        assertThat(m)
                .isEqualTo(
                        new MetadataJson.Metadata(
                                "u",
                                Long.parseUnsignedLong("18245339272195143978"),
                                1557650721500L,
                                1557654321000L,
                                Labels.of("__name__", "foo", "bar", "baz", "toms", "code"),
                                3));
        assertThat(m.labels().names()).containsExactly("__name__", "bar", "toms");
    }

    @Test
    void absentAndNullMembersGetGoZeroValues() {
        assertThat(read("{}")).isEqualTo(new MetadataJson.Metadata("", 0, 0, 0, Labels.EMPTY, 0));
        assertThat(read("{\"userID\":null,\"metric\":null}"))
                .isEqualTo(new MetadataJson.Metadata("", 0, 0, 0, Labels.EMPTY, 0));
    }

    @Test
    void incompleteJsonAsksForMore() {
        String full =
                "{\"fingerprint\":1,\"userID\":\"u\",\"metric\":{\"a\":\"b\"},\"x\":[1,2],\"encoding\":3}";
        for (int i = 0; i < full.length(); i++) {
            assertThat(
                            MetadataJson.readIfComplete(
                                    full.substring(0, i).getBytes(StandardCharsets.UTF_8)))
                    .as(full.substring(0, i))
                    .isNull();
        }
        assertThat(MetadataJson.readIfComplete(full.getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThatThrownBy(() -> read("{\"a\":}")).isInstanceOf(IllegalArgumentException.class);
    }
}
