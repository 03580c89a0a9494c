package io.chunkstore.s3;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which bucket holds an object when chunks are spread over several ({@code bucketnames: a,b,c}):
 * Cortex and Loki pick {@code buckets[FNV-32a(object name) mod #buckets]}, hashing the UTF-8 bytes
 * of the full object name (with {@code object_prefix}, if any) and taking the remainder of the
 * unsigned 32-bit hash. Keeping the same list in the same order is what makes a bucket set another
 * writer filled readable here.
 */
public final class BucketSharding {
    private static final int OFFSET_BASIS = 0x811c9dc5;
    private static final int PRIME = 0x01000193;

    private final List<String> buckets;

    /**
     * @param buckets the bucket names in configured order; at least one
     */
    public BucketSharding(List<String> buckets) {
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("at least one bucket is needed");
        }
        this.buckets = List.copyOf(buckets);
    }

    /** FNV-1a, 32 bits, of the UTF-8 bytes of {@code s}, as an unsigned value. */
    public static long fnv32a(String s) {
        int h = OFFSET_BASIS;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= PRIME;
        }
        return Integer.toUnsignedLong(h);
    }

    /** The bucket for an object name. */
    public String bucketFor(String objectName) {
        if (buckets.size() == 1) {
            return buckets.get(0);
        }
        return buckets.get((int) (fnv32a(objectName) % buckets.size()));
    }

    public List<String> buckets() {
        return buckets;
    }
}
