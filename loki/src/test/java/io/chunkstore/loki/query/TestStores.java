package io.chunkstore.loki.query;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.chunkenc.GoldenLoki;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/** Schema configs and golden-chunk loading for the query tests. */
final class TestStores {
    private TestStores() {
    }

    static PeriodConfig period(String from, String store, SchemaVersion v) {
        return new PeriodConfig(LocalDate.parse(from), store, "", v,
                PeriodicTableConfig.of("index_" + v.number() + "_", Duration.ofDays(7)),
                PeriodicTableConfig.of("", Duration.ZERO), 0);
    }

    /** One period from 2020 on. */
    static SchemaConfig single(SchemaVersion v) {
        return SchemaConfig.of(period("2020-01-01", "mem-" + v.number(), v));
    }

    /** v11 on store mem-a, then v12 on store mem-b from {@code switchDay}. */
    static SchemaConfig v11ThenV12(String switchDay) {
        return SchemaConfig.of(period("2020-01-01", "mem-a", SchemaVersion.V11),
                period(switchDay, "mem-b", SchemaVersion.V12));
    }

    /** Stores a golden chunk as it is (its stored bytes) under the key form of the period, with index entries. */
    static String putGolden(TestLogStore store, SchemaConfig config, GoldenLoki g) {
        long from = g.sidecar().get("from_ms").asLong();
        long through = g.sidecar().get("through_ms").asLong();
        String key = config.isV12OrLater(from) ? g.externalKey() : g.externalKeyPreV12();
        store.putBytes(from, key, g.stored());
        store.index(g.sidecar().get("user").asText(), goldenLabels(g), from, through, key);
        return key;
    }

    static Labels goldenLabels(GoldenLoki g) {
        Map<String, String> m = new TreeMap<>();
        g.sidecar().get("labels").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return Labels.of(m);
    }
}
