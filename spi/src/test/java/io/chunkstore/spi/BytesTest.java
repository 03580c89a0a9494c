package io.chunkstore.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void nextPrefixIsTheExactUpperBound() {
        assertThat(Bytes.nextPrefix(new byte[] {0x61, 0x00})).containsExactly(0x61, 0x01);
        assertThat(Bytes.nextPrefix(new byte[] {0x61, (byte) 0xff})).containsExactly(0x62);
        assertThat(Bytes.nextPrefix(new byte[] {(byte) 0xff, (byte) 0xff})).isNull();
        assertThat(Bytes.nextPrefix(new byte[0])).isNull();
        // The value Cortex's prefix‖0xFF bound misses is inside [prefix, nextPrefix).
        byte[] prefix = {0x61, 0x00};
        byte[] tricky = {0x61, 0x00, (byte) 0xff, 0x01};
        assertThat(Bytes.compare(tricky, prefix)).isPositive();
        assertThat(Bytes.compare(tricky, Bytes.nextPrefix(prefix))).isNegative();
        assertThat(Bytes.compare(tricky, Bytes.concat(prefix, new byte[] {(byte) 0xff})))
                .isPositive();
    }

    @Test
    void hexRoundTrips() {
        byte[] b = {0, 1, (byte) 0xab, (byte) 0xff};
        assertThat(Bytes.hex(b)).isEqualTo("0001abff");
        assertThat(Bytes.fromHex("0001abff")).containsExactly(b);
        assertThat(Bytes.hex(null)).isEmpty();
    }
}
