package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.Bytes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Cortex's pkg/chunk/schema_util.go: series IDs, Go quoting inside them, base64, sha256b64, hex
 * time, row shards.
 */
class EncodingPrimitivesTest {

    @Test
    void seriesIdVectorsOfSchemaUtilTest() {
        assertThat(SeriesId.of(Labels.of("__name__", "foo")).value())
                .isEqualTo("LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564");
        assertThat(
                        SeriesId.of(
                                        Labels.of(
                                                "__name__",
                                                "foo",
                                                "bar",
                                                "baz",
                                                "flip",
                                                "flop",
                                                "toms",
                                                "code"))
                                .value())
                .isEqualTo("KrbXMezYneba+o7wfEdtzOdAWhbfWcDrlVfs1uOCX3M");
        assertThat(SeriesId.of(Labels.EMPTY).value())
                .isEqualTo("RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o");
    }

    @Test
    void workedExampleSeriesIdAndLabelsString() {
        Labels l = Labels.of("__name__", "foo", "bar", "baz", "toms", "code");
        assertThat(SeriesId.labelsString(l)).isEqualTo("foo{bar=\"baz\", toms=\"code\"}");
        assertThat(SeriesId.of(l).value()).isEqualTo("RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso");
        assertThat(IndexEncoding.sha256b64("baz"))
                .isEqualTo("uqWglk0zIPvAxqkiFARTyFE+okq4/QV3A0gEqWckgJY");
    }

    @Test
    void labelsStringQuotesValuesLikeGo() {
        // Cortex v1.10 run on "ch2": labels string and series ID of up{Zeta="q\"uote"}.
        Labels ch2 = Labels.of("__name__", "up", "Zeta", "q\"uote");
        assertThat(SeriesId.labelsString(ch2)).isEqualTo("up{Zeta=\"q\\\"uote\"}");
        assertThat(SeriesId.of(ch2).value())
                .isEqualTo("Gt7ypUDQapW8n1nNglkF7tXTgkpr9ufB5AL6ZOPQ0pM");
        // Cortex v1.10 run on "labelsString escapes" (without the invalid UTF-8 byte, which a Java
        // string cannot hold).
        Labels esc = Labels.of("__name__", "m", "a", "tab\there\n\"q\" \\ é \u0001 \u00a0");
        assertThat(SeriesId.labelsString(esc))
                .isEqualTo("m{a=\"tab\\there\\n\\\"q\\\" \\\\ é \\x01 \\u00a0\"}");
        // No metric name: no name part; metric name only: just the name.
        assertThat(SeriesId.labelsString(Labels.of("a", "1"))).isEqualTo("{a=\"1\"}");
        assertThat(SeriesId.labelsString(Labels.of("__name__", "up"))).isEqualTo("up");
        assertThat(SeriesId.labelsString(Labels.EMPTY)).isEqualTo("{}");
    }

    @Test
    void rowShardReadsTheFirstFourCharactersOfTheIdText() {
        SeriesId s = new SeriesId("RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso");
        assertThat(0x52567833L % 16).isEqualTo(3);
        assertThat(s.rowShard(16)).isEqualTo(3);
        assertThat(s.rowShard(1)).isZero();
        assertThat(s.rowShard(1000)).isEqualTo((int) (0x52567833L % 1000));
        // High bit set: the number is unsigned.
        assertThat(new SeriesId("\u00ff\u00ff").rowShard(7)).isEqualTo((int) (0xc3bfc3bfL % 7));
        assertThat(SeriesStoreSchema.shardPrefix(3)).isEqualTo("03:");
        assertThat(SeriesStoreSchema.shardPrefix(123)).isEqualTo("123:");
        assertThatThrownBy(() -> new SeriesId("abc").rowShard(16))
                .hasMessageContaining("shorter than four");
        assertThatThrownBy(() -> s.rowShard(0)).hasMessageContaining("must be > 0");
    }

    @Test
    void base64IsStandardAlphabetWithoutPadding() {
        assertThat(IndexEncoding.b64("baz")).isEqualTo("YmF6");
        assertThat(IndexEncoding.b64("code")).isEqualTo("Y29kZQ");
        assertThat(IndexEncoding.b64(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("+/8");
        assertThat(IndexEncoding.b64Decode("Y29kZQ".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("code".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(
                        () ->
                                IndexEncoding.b64Decode(
                                        "Y29kZQ==".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("padding");
        assertThatThrownBy(
                        () -> IndexEncoding.b64Decode("Y29kZ".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(IndexEncoding.sha256b64("anything")).hasSize(43);
    }

    @Test
    void hexTimeIsEightLowercaseDigits() {
        assertThat(HexTime.encode(3_599_999)).isEqualTo("0036ee7f");
        assertThat(HexTime.encode(31_521_000)).isEqualTo("01e0f8e8");
        assertThat(HexTime.encode(35_121_000)).isEqualTo("0217e768");
        assertThat(HexTime.encode(0)).isEqualTo("00000000");
        assertThat(HexTime.encode(0xFFFF_FFFFL)).isEqualTo("ffffffff");
        assertThat(HexTime.decode("0036ee7f")).isEqualTo(3_599_999);
        assertThatThrownBy(() -> HexTime.encode(-1)).hasMessageContaining("unsigned 32-bit");
        assertThatThrownBy(() -> HexTime.encode(1L << 32)).hasMessageContaining("unsigned 32-bit");
        assertThatThrownBy(() -> HexTime.decode("xyz")).hasMessageContaining("8 hex digits");
    }

    @Test
    void rangeValueBuilderAndDecoder() {
        byte[] full = RangeValue.encode(RangeValueMarker.CHUNK_TIME_V3, "0217e768", "", "c");
        assertThat(new String(full, StandardCharsets.ISO_8859_1)).isEqualTo("0217e768\0\0c\0003\0");
        assertThat(RangeValue.prefix("01e0f8e8"))
                .isEqualTo("01e0f8e8\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(RangeValue.prefix("", "YmF6"))
                .isEqualTo("\0YmF6\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(RangeValue.encodeUnmarked("bar", "baz", "c"))
                .isEqualTo("bar\0baz\0c\0".getBytes());

        RangeValue rv = RangeValue.decode(full);
        assertThat(rv.size()).isEqualTo(4);
        assertThat(rv.componentText(0)).isEqualTo("0217e768");
        assertThat(rv.component(1)).isEmpty();
        assertThat(rv.marker()).contains(RangeValueMarker.CHUNK_TIME_V3);
        // Bytes after the last \0 are dropped.
        assertThat(RangeValue.decode("a\0b\0trailing".getBytes()).size()).isEqualTo(2);
        assertThat(RangeValue.decode(new byte[0]).size()).isZero();
        assertThat(Bytes.hex(RangeValue.encode(RangeValueMarker.LABEL_NAMES_V1, "", "", "")))
                .isEqualTo("0000003900");
    }
}
