package io.chunkstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IndexQueryTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nullAndEmptyMeanNotSet() {
        IndexQuery a =
                IndexQuery.builder("t", "h").rangeValuePrefix(null).valueEqual(new byte[0]).build();
        assertThat(a.hasPrefix()).isFalse();
        assertThat(a.hasValueEqual()).isFalse();
        assertThat(a.rangeValuePrefix()).isEmpty();
        assertThat(a.matches(b("anything"), null)).isTrue();
    }

    @Test
    void prefixAndStartTogetherAreRejectedWithAClearError() {
        assertThatThrownBy(
                        () ->
                                IndexQuery.builder("index_1", "h")
                                        .rangeValuePrefix(b("a"))
                                        .rangeValueStart(b("b"))
                                        .build())
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining("both a range value prefix")
                .hasMessageContaining("index_1");
    }

    @Test
    void missingTableOrHashIsRejected() {
        assertThatThrownBy(() -> IndexQuery.row("", "h")).isInstanceOf(InvalidQueryException.class);
        assertThatThrownBy(() -> IndexQuery.row("t", null))
                .isInstanceOf(InvalidQueryException.class);
    }

    @Test
    void filterFollowsCortexQueryFilter() {
        IndexQuery prefix = IndexQuery.builder("t", "h").rangeValuePrefix(b("baz:")).build();
        assertThat(prefix.matches(b("baz:1"), null)).isTrue();
        assertThat(prefix.matches(b("bar:1"), null)).isFalse();

        IndexQuery start =
                IndexQuery.builder("t", "h")
                        .rangeValueStart(b("bar:2"))
                        .valueEqual(b("20"))
                        .build();
        assertThat(start.matches(b("bar:2"), b("20"))).isTrue();
        assertThat(start.matches(b("bar:2"), b("10"))).isFalse();
        assertThat(start.matches(b("bar:1"), b("20"))).isFalse();
        assertThat(start.matches(b("bar:20"), b("20"))).isTrue();
    }

    @Test
    void startComparesUnsigned() {
        IndexQuery start = IndexQuery.builder("t", "h").rangeValueStart(new byte[] {0x7f}).build();
        assertThat(start.matches(new byte[] {(byte) 0x80}, null)).isTrue();
        assertThat(start.matches(new byte[] {(byte) 0xff}, null)).isTrue();
        assertThat(start.matches(new byte[] {0x00}, null)).isFalse();
    }
}
