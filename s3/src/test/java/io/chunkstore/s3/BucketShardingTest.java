package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FNV-32a and the bucket choice, against values computed independently of this code: Go's {@code
 * hash/fnv} test vectors ({@code ""}, {@code "a"}, {@code "foobar"}) and, for chunk keys, FNV-1a
 * written out by hand in Python ({@code h = 0x811c9dc5; for b in key.encode(): h = ((h ^ b) *
 * 0x01000193) & 0xffffffff}).
 */
class BucketShardingTest {
    /** The external key of the Cortex v1.10 golden chunk (testdata/golden/chunk-d97c78e1.bin). */
    static final String CORTEX_KEY = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    /** A Loki v12+ external key. */
    static final String LOKI_KEY = "fake/5e3f0b2b8e3c2f1a/18f0a1b2c3d:18f0a1b9e00:1a2b3c4d";

    @Test
    void fnv32aMatchesGosTestVectors() {
        assertThat(BucketSharding.fnv32a("")).isEqualTo(0x811c9dc5L);
        assertThat(BucketSharding.fnv32a("a")).isEqualTo(0xe40c292cL);
        assertThat(BucketSharding.fnv32a("foobar")).isEqualTo(0xbf9cf968L);
    }

    @Test
    void fnv32aOfChunkKeysMatchesTheHandComputedValues() {
        assertThat(BucketSharding.fnv32a(CORTEX_KEY)).isEqualTo(0xad67c4b9L).isEqualTo(2909258937L);
        assertThat(BucketSharding.fnv32a(LOKI_KEY)).isEqualTo(0x8fab05f6L).isEqualTo(2410350070L);
        assertThat(BucketSharding.fnv32a("loki/" + LOKI_KEY))
                .isEqualTo(0x2a6c5bfaL)
                .isEqualTo(711744506L);
    }

    @Test
    void theBucketIsTheUnsignedHashModuloTheNumberOfBuckets() {
        // 2909258937 mod 2 = 1, mod 3 = 0: the hash is above 2^31, so a signed remainder would pick
        // wrongly.
        assertThat(new BucketSharding(List.of("b0", "b1")).bucketFor(CORTEX_KEY)).isEqualTo("b1");
        assertThat(new BucketSharding(List.of("b0", "b1", "b2")).bucketFor(CORTEX_KEY))
                .isEqualTo("b0");
        // 2410350070 mod 2 = 0, mod 3 = 1; with the "loki/" prefix 711744506 mod 3 = 2.
        assertThat(new BucketSharding(List.of("b0", "b1")).bucketFor(LOKI_KEY)).isEqualTo("b0");
        assertThat(new BucketSharding(List.of("b0", "b1", "b2")).bucketFor(LOKI_KEY))
                .isEqualTo("b1");
        assertThat(new BucketSharding(List.of("b0", "b1", "b2")).bucketFor("loki/" + LOKI_KEY))
                .isEqualTo("b2");
    }

    @Test
    void oneBucketTakesEverything() {
        assertThat(new BucketSharding(List.of("only")).bucketFor(CORTEX_KEY)).isEqualTo("only");
    }

    @Test
    void keysSpreadOverEveryBucket() {
        BucketSharding s = new BucketSharding(List.of("a", "b", "c", "d"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(
                    s.bucketFor("user/" + Integer.toHexString(i * 7919) + ":1:2:3"),
                    1,
                    Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("a", "b", "c", "d");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void noBucketsIsRejected() {
        assertThatThrownBy(() -> new BucketSharding(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
