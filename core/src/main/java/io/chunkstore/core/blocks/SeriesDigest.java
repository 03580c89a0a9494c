package io.chunkstore.core.blocks;

import java.util.zip.CRC32C;

/**
 * What {@code --verify} compares per series: the sample count and a CRC-32C over every sample's
 * time and raw value bits (big-endian, 16 bytes a sample), in time order. Equal digests mean the
 * same samples bit for bit (with the CRC's usual odds).
 */
public final class SeriesDigest {
    private final CRC32C crc = new CRC32C();
    private final byte[] buf = new byte[16];
    private long count;

    /** Adds one sample. */
    public void add(long timestamp, long valueBits) {
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (timestamp >>> (56 - 8 * i));
            buf[8 + i] = (byte) (valueBits >>> (56 - 8 * i));
        }
        crc.update(buf, 0, 16);
        count++;
    }

    /** Samples added. */
    public long count() {
        return count;
    }

    /** The checksum so far. */
    public int checksum() {
        return (int) crc.getValue();
    }
}
