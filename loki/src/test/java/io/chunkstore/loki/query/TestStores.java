package io.chunkstore.loki.query;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.loki.chunkenc.GoldenLoki;
import java.time.Duration;
import java.time.LocalDate;

/** Schema configs and golden-chunk loading for the query tests. */
final class TestStores {
    private TestStores() {}

    static PeriodConfig period(String from, String store, SchemaVersion v) {
        return new PeriodConfig(
                LocalDate.parse(from),
                store,
                "",
                v,
                PeriodicTableConfig.of("index_" + v.number() + "_", Duration.ofDays(7)),
                PeriodicTableConfig.of("", Duration.ZERO),
                0);
    }

    /** One period from 2020 on. */
    static SchemaConfig single(SchemaVersion v) {
        return SchemaConfig.of(period("2020-01-01", "mem-" + v.number(), v));
    }

    /** v11 on store mem-a, then v12 on store mem-b from {@code switchDay}. */
    static SchemaConfig v11ThenV12(String switchDay) {
        return SchemaConfig.of(
                period("2020-01-01", "mem-a", SchemaVersion.V11),
                period(switchDay, "mem-b", SchemaVersion.V12));
    }

    /**
     * Stores a golden chunk's bytes as they are through the series store (which picks the period's
     * key form and writes the index entries).
     */
    static String putGolden(TestLogStore store, SchemaConfig config, GoldenLoki g) {
        io.chunkstore.core.chunk.Chunk c =
                io.chunkstore.core.chunk.ChunkCodec.decode(
                        io.chunkstore.core.chunk.ChunkRef.parse(g.externalKeyPreV12()), g.stored());
        return store.put(new io.chunkstore.core.chunk.ChunkCodec.Encoded(c, g.stored()));
    }
}
