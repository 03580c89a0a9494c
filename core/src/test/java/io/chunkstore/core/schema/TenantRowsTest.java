package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.spi.IndexEntry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which rows belong to a tenant (what {@code delete tenant} removes): every row a chunk's write
 * produces for the tenant, under every schema, and no row of another tenant, even of one named like
 * a row shard ({@code 01}) in a table that v9 and v11 periods share.
 */
class TenantRowsTest {
    static final long DAY = Buckets.DAY_MS;
    static final long T = LocalDate.of(2020, 2, 4).toEpochDay() * DAY + 3_600_000L;
    static final Labels SERIES = Selectors.parseLabels("{__name__=\"m:sub\",job=\"a\",env=\"b\"}");

    static IndexSchema schema(SchemaVersion v) {
        return IndexSchemas.forPeriod(
                new PeriodConfig(
                        LocalDate.of(2020, 1, 2),
                        "memory",
                        "memory",
                        v,
                        PeriodicTableConfig.of("index_", Duration.ofDays(7)),
                        PeriodicTableConfig.of("chunks_", Duration.ofDays(7)),
                        0));
    }

    @Test
    void everyRowAChunkWritesIsItsTenantsAndNoOtherTenants() {
        List<SchemaVersion> versions =
                List.of(
                        SchemaVersion.V1,
                        SchemaVersion.V4,
                        SchemaVersion.V6,
                        SchemaVersion.V9,
                        SchemaVersion.V10,
                        SchemaVersion.V11,
                        SchemaVersion.V12);
        for (SchemaVersion v : versions) {
            IndexSchema s = schema(v);
            for (String tenant : List.of("01", "fake", "d5")) {
                for (IndexEntry e : s.writeEntries(T, T + 2 * DAY, tenant, SERIES, "chunk")) {
                    boolean sharedRow = s.sharedByTable(e);
                    for (String other : List.of("01", "fake", "d5", "00")) {
                        // The writing schema knows its rows; no other tenant's row is ever the
                        // tenant's, whichever schema of a shared table judges it.
                        assertThat(s.isTenantRow(e.hashValue(), other, T - DAY, T + 3 * DAY))
                                .as("%s row %s of %s for %s", v, e.hashValue(), tenant, other)
                                .isEqualTo(!sharedRow && other.equals(tenant));
                        if (!other.equals(tenant)) {
                            for (SchemaVersion j : versions) {
                                assertThat(
                                                schema(j)
                                                        .isTenantRow(
                                                                e.hashValue(),
                                                                other,
                                                                T - DAY,
                                                                T + 3 * DAY))
                                        .as(
                                                "%s row %s of %s judged by %s for %s",
                                                v, e.hashValue(), tenant, j, other)
                                        .isFalse();
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aShardRowOfAnotherTenantIsNotTenant01sUnderAnySchema() {
        String shardRowOfFake = "01:fake:d18296:m";
        for (SchemaVersion v : List.of(SchemaVersion.V6, SchemaVersion.V9, SchemaVersion.V11)) {
            assertThat(schema(v).isTenantRow(shardRowOfFake, "01", 0, Long.MAX_VALUE / 4))
                    .as("%s", v)
                    .isFalse();
        }
        assertThat(
                        schema(SchemaVersion.V11)
                                .isTenantRow(shardRowOfFake, "fake", 0, Long.MAX_VALUE / 4))
                .isTrue();
        assertThat(
                        schema(SchemaVersion.V11)
                                .isTenantRow("01:d18296:seriesid", "01", 0, Long.MAX_VALUE / 4))
                .isTrue();
        assertThat(schema(SchemaVersion.V11).tenantHashPrefixes("01")).contains("01:", "15:01:");
    }
}
