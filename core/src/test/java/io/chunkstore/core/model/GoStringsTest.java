package io.chunkstore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class GoStringsTest {
    @Test
    void quoteMatchesGoForTheSpecVector() {
        // Go's strconv quoting as Cortex's labelsString uses it, verified by running Go:
        // tab\there\n"q" \ é \x01 U+00A0
        String in = "tab\there\n\"q\" \\ é \u0001 \u00a0";
        assertThat(GoStrings.quote(in))
                .isEqualTo("\"tab\\there\\n\\\"q\\\" \\\\ é \\x01 \\u00a0\"");
    }

    @Test
    void quoteEscapesControlAndKeepsPrintable() {
        assertThat(GoStrings.quote("\u0007\u000b\u007f")).isEqualTo("\"\\a\\v\\x7f\"");
        assertThat(GoStrings.quote("日本語 🚀")).isEqualTo("\"日本語 🚀\"");
        assertThat(GoStrings.quote("\u2028")).isEqualTo("\"\\u2028\"");
        assertThat(GoStrings.quote("\uDB40\uDC01")).isEqualTo("\"\\U000e0001\"");
    }

    @Test
    void literalEndFindsTheClosingQuoteInsideLongerText() {
        // Positions counted by hand; the result is the index after the closing quote.
        assertThat(GoStrings.literalEnd("{a=\"x\\\"y\"} |= `z`", 3)).isEqualTo(9);
        assertThat(GoStrings.literalEnd("{a=\"x\\\"y\"} |= `z`", 14)).isEqualTo(17);
        assertThat(GoStrings.literalEnd("a = 'it\\'s' + 1", 4)).isEqualTo(11);
        // A raw string has no escapes: its backslash does not hide the backquote.
        assertThat(GoStrings.literalEnd("x = `a\\` + 1", 4)).isEqualTo(8);
        // Unterminated, also when the text ends in a backslash.
        assertThat(GoStrings.literalEnd("{a=\"x", 3)).isEqualTo(-1);
        assertThat(GoStrings.literalEnd("{a=\"x\\", 3)).isEqualTo(-1);
        assertThat(GoStrings.literalEnd("{a=\"x\\\"", 3)).isEqualTo(-1);
        assertThatThrownBy(() -> GoStrings.literalEnd("abc", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GoStrings.isQuote('"') && GoStrings.isQuote('\'') && GoStrings.isQuote('`'))
                .isTrue();
        assertThat(GoStrings.isQuote('\0')).isFalse();
    }

    @Test
    void unquoteHandlesAllGoEscapes() {
        assertThat(GoStrings.unquote("\"a\\tb\\n\\\"\\\\\\x41\\101\\u00e9\\U0001F680\""))
                .isEqualTo("a\tb\n\"\\AAé🚀");
        assertThat(GoStrings.unquote("'it\\'s'")).isEqualTo("it's");
        assertThat(GoStrings.unquote("`raw\\n`")).isEqualTo("raw\\n");
        assertThatThrownBy(() -> GoStrings.unquote("\"bad\\q\""))
                .hasMessageContaining("invalid escape");
        assertThatThrownBy(() -> GoStrings.unquote("\"open"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void unquoteInvertsQuote(@ForAll String s) {
        String valid =
                s.codePoints()
                        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                        .collect(
                                StringBuilder::new,
                                StringBuilder::appendCodePoint,
                                StringBuilder::append)
                        .toString();
        assertThat(GoStrings.unquote(GoStrings.quote(valid))).isEqualTo(valid);
    }
}
