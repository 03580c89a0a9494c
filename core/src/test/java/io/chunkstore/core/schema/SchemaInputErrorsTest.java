package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Inputs the schemas refuse, with typed errors. */
class SchemaInputErrorsTest {
    static IndexSchema schema(SchemaVersion v) {
        return IndexSchemas.forPeriod(GoldenWorkedExampleTest.period(v));
    }

    @Test
    void aMetricNameIsRequired() {
        for (SchemaVersion v : SchemaVersion.values()) {
            assertThatThrownBy(() -> schema(v).writeEntries(0, 1, "u", Labels.of("a", "b"), "c"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("metric name label missing");
        }
    }

    @Test
    void v1AndV2CannotHoldNullBytesInLabelValues() {
        Labels nul = Labels.of("__name__", "m", "a", "x\0y");
        for (SchemaVersion v : new SchemaVersion[] {SchemaVersion.V1, SchemaVersion.V2}) {
            assertThatThrownBy(() -> schema(v).writeEntries(0, 1, "u", nul, "c"))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("cannot contain null byte");
            assertThatThrownBy(
                            () ->
                                    schema(v)
                                            .readQueriesForMetricLabelValue(
                                                    0, 1, "u", "m", "a", "x\0y"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("cannot contain null byte");
        }
        // Later schemas encode the value, so it round-trips.
        IndexSchema v3 = schema(SchemaVersion.V3);
        assertThat(
                        RangeValueParser.parseChunkTimeRangeValue(
                                        v3.writeEntries(0, 1, "u", nul, "c").get(0).rangeValue(),
                                        null)
                                .labelValue())
                .isEqualTo("x\0y");
    }

    @Test
    void aReversedRangeIsRejected() {
        assertThatThrownBy(() -> schema(SchemaVersion.V11).readQueriesForMetric(10, 5, "u", "m"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("before from");
    }

    @Test
    void seriesOperationsOnStoreSchemasNameTheSchema() {
        assertThatThrownBy(
                        () ->
                                schema(SchemaVersion.V6)
                                        .chunkWriteEntries(
                                                0, 1, "u", Labels.of("__name__", "m"), "c"))
                .isInstanceOf(UnsupportedLookupException.class)
                .hasMessageStartingWith("schema v6 does not support chunk write entries");
        assertThatThrownBy(() -> schema(SchemaVersion.V10).labelNamesForSeries(0, 1, "u", "s"))
                .isInstanceOf(UnsupportedLookupException.class)
                .hasMessageStartingWith("schema v10 does not support label names of a series");
    }
}
