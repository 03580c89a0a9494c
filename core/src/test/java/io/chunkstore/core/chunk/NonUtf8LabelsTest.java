package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.GoStrings;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexEncoding;
import io.chunkstore.core.schema.SeriesId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A label value holding a byte that is not UTF-8 (Go keeps any bytes in a string; Cortex's jsoniter
 * writes them into the chunk's metadata as they are) round-trips bit for bit: the chunk re-encodes
 * to the same bytes, and its series ID and fingerprint are computed over the original bytes, as Go
 * computes them.
 */
class NonUtf8LabelsTest {
    private static final byte[] VALUE = {'a', (byte) 0xff, 'b'};

    @Test
    void aChunkWithAnInvalidByteInALabelValueReencodesBitForBit() {
        Labels labels = Labels.of("__name__", "m", "k", GoStrings.fromBytes(VALUE));
        Chunk chunk =
                Chunk.fromSamples(
                        "t", labels, List.of(new Sample(1000, 1.0), new Sample(2000, 2.0)));
        byte[] encoded = ChunkCodec.encode(chunk).bytes();

        // The metadata holds the raw byte, as jsoniter writes it, not U+FFFD (ef bf bd).
        assertThat(indexOf(encoded, "\"k\":\"a\u00ffb\"".getBytes(StandardCharsets.ISO_8859_1)))
                .isPositive();
        assertThat(indexOf(encoded, new byte[] {(byte) 0xef, (byte) 0xbf, (byte) 0xbd}))
                .isNegative();

        Chunk decoded = ChunkCodec.decodeUnverified(encoded);
        assertThat(decoded.labels()).isEqualTo(labels);
        assertThat(GoStrings.bytes(decoded.labels().get("k"))).isEqualTo(VALUE);
        assertThat(ChunkCodec.encode(decoded).bytes()).isEqualTo(encoded);
    }

    @Test
    void metadataWrittenByGoWithARawByteDecodes() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes(
                "{\"fingerprint\":1,\"userID\":\"t\",\"from\":1,\"through\":2,\"metric\":{\"k\":\""
                        .getBytes(StandardCharsets.US_ASCII));
        json.writeBytes(VALUE);
        json.writeBytes("\"},\"encoding\":3}\n".getBytes(StandardCharsets.US_ASCII));
        MetadataJson.Metadata m = MetadataJson.read(json.toByteArray());
        assertThat(GoStrings.bytes(m.labels().get("k"))).isEqualTo(VALUE);
        assertThat(MetadataJson.write(m, MetadataStyle.JSONITER)).isEqualTo(json.toByteArray());
    }

    @Test
    void seriesIdAndFingerprintHashTheOriginalBytes() throws Exception {
        Labels labels = Labels.of("__name__", "m", "k", GoStrings.fromBytes(VALUE));
        // Go: model.Metric.String() == `m{k="a\xffb"}`, hashed as those ASCII bytes.
        byte[] sha =
                MessageDigest.getInstance("SHA-256")
                        .digest("m{k=\"a\\xffb\"}".getBytes(StandardCharsets.US_ASCII));
        assertThat(SeriesId.of(labels).value())
                .isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(sha));
        // The label-value hash of the v9+ entries is over the raw bytes.
        byte[] valueSha = MessageDigest.getInstance("SHA-256").digest(VALUE);
        assertThat(IndexEncoding.sha256b64(GoStrings.fromBytes(VALUE)))
                .isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(valueSha));
        // fastFingerprint: XOR over labels of FNV-1a 64 of name, 0xff and the value's raw bytes.
        long h = 0xcbf29ce484222325L;
        long fp = 0;
        for (byte[][] pair :
                new byte[][][] {
                    {"__name__".getBytes(StandardCharsets.US_ASCII), {'m'}}, {{'k'}, VALUE}
                }) {
            long x = h;
            for (byte b : pair[0]) {
                x = (x ^ (b & 0xff)) * 0x100000001b3L;
            }
            x = (x ^ 0xff) * 0x100000001b3L;
            for (byte b : pair[1]) {
                x = (x ^ (b & 0xff)) * 0x100000001b3L;
            }
            fp ^= x;
        }
        assertThat(Fingerprints.fastFingerprint(labels)).isEqualTo(fp);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
