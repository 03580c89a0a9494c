package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.Bytes;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class IndexKeysTest {

    @Test
    void layoutIsVarintLengthThenHashThenRange() {
        assertThat(Bytes.hex(IndexKeys.key("ab", new byte[] {0x00, (byte) 0xFF})))
                .isEqualTo("026162" + "00ff");
        assertThat(Bytes.hex(IndexKeys.rowPrefix(""))).isEqualTo("00");
        byte[] longHash = IndexKeys.rowPrefix("x".repeat(300));
        assertThat(Bytes.hex(Arrays.copyOf(longHash, 2)))
                .as("300 = 0xAC 0x02 as a varint")
                .isEqualTo("ac02");
        assertThat(longHash).hasSize(302);
    }

    @Test
    void hashValuesWithZeroBytesCannotBeConfusedWithRangeValues() {
        // In Cortex's BoltDB layout (hash ‖ 0x00 ‖ range) both of these are the key "a\0b\0c".
        byte[] k1 = IndexKeys.key("a\0b", new byte[] {'c'});
        byte[] k2 = IndexKeys.key("a", new byte[] {'b', 0, 'c'});
        assertThat(k1).isNotEqualTo(k2);
        assertThat(Bytes.startsWith(k1, IndexKeys.rowPrefix("a"))).isFalse();
        assertThat(Bytes.startsWith(k2, IndexKeys.rowPrefix("a\0b"))).isFalse();
    }

    @Property
    void rangeOrderWithinARowIsUnsignedOrder(
            @ForAll @StringLength(max = 200) String hash,
            @ForAll @Size(max = 20) byte[] r1,
            @ForAll @Size(max = 20) byte[] r2) {
        int want = Integer.signum(Arrays.compareUnsigned(r1, r2));
        assertThat(
                        Integer.signum(
                                Arrays.compareUnsigned(
                                        IndexKeys.key(hash, r1), IndexKeys.key(hash, r2))))
                .isEqualTo(want);
    }

    @Property
    void aKeyBelongsToExactlyOneRowAndDecodes(
            @ForAll @StringLength(max = 200) String h1,
            @ForAll @StringLength(max = 200) String h2,
            @ForAll @Size(max = 20) byte[] range) {
        byte[] key = IndexKeys.key(h1, range);
        byte[] p1 = IndexKeys.rowPrefix(h1);
        assertThat(Bytes.startsWith(key, p1)).isTrue();
        assertThat(Arrays.compareUnsigned(key, IndexKeys.upperBound(p1))).isNegative();
        assertThat(IndexKeys.rangeValue(key, p1.length)).isEqualTo(range);
        assertThat(IndexKeys.hashValue(key))
                .isEqualTo(
                        new String(
                                h1.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                java.nio.charset.StandardCharsets.UTF_8));
        byte[] p2 = IndexKeys.rowPrefix(h2);
        boolean sameRow = Arrays.equals(p1, p2);
        boolean inRow2 =
                Bytes.startsWith(key, p2)
                        && Arrays.compareUnsigned(key, IndexKeys.upperBound(p2)) < 0;
        assertThat(inRow2).isEqualTo(sameRow);
    }
}
