package io.chunkstore.core.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.ChunkEncoding;
import io.chunkstore.core.chunk.Fingerprints;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.testing.MemoryBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without a {@link LogChunkRewriter} (core cannot decode Loki chunks), log chunks are not
 * rewritten: one wholly in the range goes, one that straddles it is kept and reported as a failure
 * naming the way out, or kept and listed with {@code --whole-chunks}. The rewrite itself is tested
 * with Loki's rewriter in the loki module.
 */
class PurgerLogChunksTest {
    static final long H = 3_600_000L;
    static final long T0 = PurgerOracleTest.ms("2019-05-08T00:00:00Z");
    static final Labels STREAM = Selectors.parseLabels("{__name__=\"logs\",job=\"varlogs\"}");

    static ChunkCodec.Encoded log(long from, long through) {
        return ChunkCodec.encode(
                Chunk.of(
                        "tenant-a",
                        Fingerprints.fingerprint(STREAM),
                        STREAM,
                        from,
                        through,
                        ChunkEncoding.GZIP_LOG,
                        new byte[] {1, 2, 3, (byte) from}));
    }

    static PurgeSummary delete(MemoryBackend b, boolean whole) {
        try (CompositeStore s = PurgerOracleTest.store(b, b)) {
            return Purger.builder(s)
                    .clock(PurgerOracleTest.CLOCK)
                    .build()
                    .deleteSeries(
                            new PurgeRequest(
                                    "tenant-a",
                                    "{job=\"varlogs\"}",
                                    Selectors.parseMatchers("logs{job=\"varlogs\"}"),
                                    T0 + 2 * H,
                                    T0 + 6 * H,
                                    whole));
        }
    }

    @Test
    void aLogChunkInsideTheRangeGoesAndAStraddlingOneIsRefused() {
        ChunkCodec.Encoded inside = log(T0 + 3 * H, T0 + 4 * H);
        ChunkCodec.Encoded straddling = log(T0 + H, T0 + 3 * H);
        MemoryBackend b = PurgerOracleTest.written(List.of(inside, straddling));
        PurgeSummary s = delete(b, false);
        assertThat(s.chunksDeleted()).isEqualTo(1);
        assertThat(s.failures())
                .singleElement()
                .satisfies(
                        f ->
                                assertThat(f.message())
                                        .contains("log chunks are not rewritten")
                                        .contains("--whole-chunks"));
        Map<String, String> after = PurgerOracleTest.dump(b);
        assertThat(after)
                .isEqualTo(PurgerOracleTest.dump(PurgerOracleTest.written(List.of(straddling))));
    }

    @Test
    void withWholeChunksAStraddlingLogChunkIsKeptAndListed() {
        ChunkCodec.Encoded straddling = log(T0 + 5 * H, T0 + 7 * H);
        MemoryBackend b = PurgerOracleTest.written(List.of(straddling));
        PurgeSummary s = delete(b, true);
        assertThat(s.failures()).isEmpty();
        assertThat(s.chunksKept()).isEqualTo(1);
        assertThat(s.keptChunks()).hasSize(1);
        assertThat(s.chunksDeleted()).isZero();
    }
}
