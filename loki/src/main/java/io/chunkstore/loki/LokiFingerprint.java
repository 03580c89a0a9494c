package io.chunkstore.loki;

import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The fingerprint Loki 2.x/3.x ingesters give a stream (Prometheus {@code
 * labels.HashWithoutLabels}): xxHash64, seed 0, over {@code name 0xff value 0xff} for every label
 * in name order, skipping {@code __name__}. Loki's fingerprint mapper replaces it only when two
 * label sets collide; readers treat the stored fingerprint as opaque.
 */
public final class LokiFingerprint {
    private static final XXHash64 XXH64 = XXHashFactory.fastestInstance().hash64();

    private LokiFingerprint() {}

    /**
     * The fingerprint of a stream's labels (with or without {@code __name__}), an unsigned 64-bit
     * number.
     */
    public static long of(Labels labels) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        for (Label l : labels) {
            if (l.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            b.writeBytes(l.name().getBytes(StandardCharsets.UTF_8));
            b.write(0xFF);
            b.writeBytes(l.value().getBytes(StandardCharsets.UTF_8));
            b.write(0xFF);
        }
        byte[] bytes = b.toByteArray();
        return XXH64.hash(bytes, 0, bytes.length, 0);
    }
}
