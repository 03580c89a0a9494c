package io.chunkstore.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.schema.SeriesId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Go strings are bytes: label values that are not UTF-8 survive decode and encode unchanged, and
 * strings sort by their bytes. The oracle of every property is the byte array itself and {@link
 * Arrays#compareUnsigned}.
 */
class GoStringBytesTest {
    /**
     * Byte strings that mix ASCII, valid multi-byte UTF-8 and invalid bytes (lone continuation, cut
     * sequences).
     */
    @Provide
    Arbitrary<byte[]> goBytes() {
        Arbitrary<byte[]> pieces =
                Arbitraries.oneOf(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(6),
                        Arbitraries.of("a", "é", "日", "😀", "\ufffd", "\u00ff", "z")
                                .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                        Arbitraries.of(
                                new byte[] {(byte) 0xff},
                                new byte[] {(byte) 0x80},
                                new byte[] {(byte) 0xed, (byte) 0xb0},
                                new byte[] {(byte) 0xf0, (byte) 0x9f},
                                new byte[] {(byte) 0xc0, (byte) 0xaf},
                                new byte[] {(byte) 0xed, (byte) 0xb2, (byte) 0x80}));
        return pieces.list()
                .ofMaxSize(6)
                .map(
                        list -> {
                            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                            list.forEach(out::writeBytes);
                            return out.toByteArray();
                        });
    }

    @Property(tries = 3000)
    void bytesInvertFromBytes(@ForAll("goBytes") byte[] b) {
        String s = GoStrings.fromBytes(b);
        assertThat(GoStrings.bytes(s)).isEqualTo(b);
        assertThat(GoStrings.hasEscapedBytes(s))
                .isEqualTo(!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b));
    }

    @Property(tries = 3000)
    void byteOrderIsTheOrderOfTheBytes(@ForAll("goBytes") byte[] a, @ForAll("goBytes") byte[] b) {
        int expected = Integer.signum(Arrays.compareUnsigned(a, b));
        int actual =
                Integer.signum(
                        GoStrings.BYTE_ORDER.compare(
                                GoStrings.fromBytes(a), GoStrings.fromBytes(b)));
        assertThat(actual)
                .as("%s vs %s", HexFormat.of().formatHex(a), HexFormat.of().formatHex(b))
                .isEqualTo(expected);
    }

    @Test
    void validUtf8DecodesAsUsual() {
        assertThat(GoStrings.fromBytes("añ日😀".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("añ日😀");
        assertThat(GoStrings.fromBytes(new byte[] {'a', (byte) 0xff, 'b'})).isEqualTo("a\udcffb");
        // An encoded surrogate is not UTF-8 (Go's DecodeRune sees three invalid bytes).
        assertThat(GoStrings.fromBytes(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}))
                .isEqualTo("\udced\udca0\udc80");
    }

    @Test
    void charactersAboveTheBmpSortAfterTheRestOfTheBmpAsInGo() {
        // U+FFFD is EF BF BD, U+1F600 is F0 9F 98 80: Go puts U+FFFD first; String.compareTo (D83D
        // < FFFD) does not.
        assertThat("😀".compareTo("\ufffd")).isNegative();
        assertThat(GoStrings.BYTE_ORDER.compare("😀", "\ufffd")).isPositive();
        Labels labels = Labels.of("x😀", "1", "x\ufffd", "2", "xa", "3");
        assertThat(labels.names()).containsExactly("xa", "x\ufffd", "x😀");
        assertThat(SeriesId.labelsString(labels)).isEqualTo("{xa=\"3\", x\ufffd=\"2\", x😀=\"1\"}");
    }

    @Test
    void quoteWritesAnInvalidByteAsGoDoes() {
        // Go: strconv.Quote("a\xffb") == `"a\xffb"`; strconv.Quote("\xed\xa0\x80") ==
        // `"\xed\xa0\x80"`.
        assertThat(GoStrings.quote(GoStrings.fromBytes(new byte[] {'a', (byte) 0xff, 'b'})))
                .isEqualTo("\"a\\xffb\"");
        assertThat(
                        GoStrings.quote(
                                GoStrings.fromBytes(
                                        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})))
                .isEqualTo("\"\\xed\\xa0\\x80\"");
        assertThat(GoStrings.unquote("\"a\\xffb\"")).isEqualTo("a\udcffb");
    }
}
