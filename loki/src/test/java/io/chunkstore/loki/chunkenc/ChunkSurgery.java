package io.chunkstore.loki.chunkenc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Hand damage for MemChunks: read and rewrite the metas (with a valid CRC), fix a block's CRC,
 * craft blocks.
 */
final class ChunkSurgery {
    private ChunkSurgery() {}

    record Meta(long entries, long mint, long maxt, long offset, long uncompressed, long len) {
        Meta withOffset(long o) {
            return new Meta(entries, mint, maxt, o, uncompressed, len);
        }
    }

    static int version(byte[] mc) {
        return mc[4];
    }

    static int metasOffset(byte[] mc) {
        return (int) SliceReader.be64(mc, mc.length - 8);
    }

    static int metasLen(byte[] mc) {
        return version(mc) >= 4
                ? (int) SliceReader.be64(mc, mc.length - 16)
                : mc.length - 12 - metasOffset(mc);
    }

    static int smOffset(byte[] mc) {
        return (int) SliceReader.be64(mc, mc.length - 24);
    }

    static int smLen(byte[] mc) {
        return (int) SliceReader.be64(mc, mc.length - 32);
    }

    static List<Meta> metas(byte[] mc) {
        SliceReader r = new SliceReader(mc, metasOffset(mc), metasLen(mc));
        long n = r.uvarint();
        List<Meta> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(
                    new Meta(
                            r.uvarint(),
                            r.varint(),
                            r.varint(),
                            r.uvarint(),
                            version(mc) >= 3 ? r.uvarint() : -1,
                            r.uvarint()));
        }
        return out;
    }

    /** The chunk with its metas replaced (new CRC, trailer updated). */
    static byte[] withMetas(byte[] mc, List<Meta> metas) {
        int mo = metasOffset(mc);
        ByteSink out = new ByteSink(mc.length + 64);
        out.write(mc, 0, mo);
        out.putUvarint(metas.size());
        for (Meta m : metas) {
            out.putUvarint(m.entries());
            out.putVarint(m.mint());
            out.putVarint(m.maxt());
            out.putUvarint(m.offset());
            if (version(mc) >= 3) {
                out.putUvarint(m.uncompressed());
            }
            out.putUvarint(m.len());
        }
        int len = out.size() - mo;
        out.putBE32(crc(out.array(), mo, len));
        if (version(mc) >= 4) {
            out.putBE64(smLen(mc));
            out.putBE64(smOffset(mc));
            out.putBE64(len);
        }
        out.putBE64(mo);
        return out.toByteArray();
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /**
     * Overwrites a block's bytes with {@code fill} and stores a matching CRC, so only decompression
     * can notice.
     */
    static byte[] garbleBlockKeepingCrc(byte[] mc, BlockMeta b, byte fill) {
        byte[] out = mc.clone();
        Arrays.fill(out, b.offset(), b.offset() + b.length(), fill);
        int c = crc(out, b.offset(), b.length());
        int p = b.offset() + b.length();
        out[p] = (byte) (c >>> 24);
        out[p + 1] = (byte) (c >>> 16);
        out[p + 2] = (byte) (c >>> 8);
        out[p + 3] = (byte) c;
        return out;
    }

    /**
     * The raw (uncompressed) encoding of one entry; {@code pairs} are symbol indexes for v4, null
     * before v4.
     */
    static byte[] rawEntry(long ts, byte[] line, int[] pairs) {
        ByteSink s = new ByteSink(16 + line.length);
        s.putVarint(ts);
        s.putUvarint(line.length);
        s.write(line);
        if (pairs != null) {
            ByteSink sec = new ByteSink(8);
            sec.putUvarint(pairs.length / 2);
            for (int p : pairs) {
                sec.putUvarint(p);
            }
            s.putUvarint(sec.size());
            s.write(sec.array(), 0, sec.size());
        }
        return s.toByteArray();
    }

    static MemChunkWriter.CutBlock block(
            Codec codec, long entries, long mint, long maxt, byte[]... rawEntries) {
        ByteSink raw = new ByteSink(64);
        for (byte[] e : rawEntries) {
            raw.write(e);
        }
        return new MemChunkWriter.CutBlock(
                codec.compress(raw.array(), 0, raw.size()), entries, mint, maxt, raw.size());
    }
}
