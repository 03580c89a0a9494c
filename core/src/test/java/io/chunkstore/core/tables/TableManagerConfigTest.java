package io.chunkstore.core.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Binding of the {@code table_manager:} block: every key, Cortex's defaults, and the errors. */
class TableManagerConfigTest {
    static final String SCHEMA =
            """
            schema:
              configs:
              - from: 2020-01-01
                store: aws-dynamo
                schema: v11
                index: {prefix: index_, period: 168h}
                chunks: {prefix: chunks_, period: 168h}
            """;

    static TableManagerConfig parse(String tableManager) {
        return TableManagerConfig.from(
                ChunkstoreConfig.parse(SCHEMA + tableManager, "cortex.yaml"));
    }

    @Test
    void defaultsAreCortexFlagDefaults() {
        TableManagerConfig c = parse("");
        assertThat(c).isEqualTo(TableManagerConfig.DEFAULT);
        assertThat(c.throughputUpdatesDisabled()).isFalse();
        assertThat(c.retentionDeletesEnabled()).isFalse();
        assertThat(c.retentionPeriod()).isZero();
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.creationGracePeriod()).isEqualTo(Duration.ofMinutes(10));
        for (ProvisionConfig p : new ProvisionConfig[] {c.indexTables(), c.chunkTables()}) {
            assertThat(p.onDemandMode()).isFalse();
            assertThat(p.provisionedWrite()).isEqualTo(1000);
            assertThat(p.provisionedRead()).isEqualTo(300);
            assertThat(p.writeScale()).isEqualTo(AutoScalingConfig.DISABLED);
            assertThat(p.readScale()).isEqualTo(AutoScalingConfig.DISABLED);
            assertThat(p.inactiveOnDemandMode()).isFalse();
            assertThat(p.inactiveWrite()).isEqualTo(1);
            assertThat(p.inactiveRead()).isEqualTo(300);
            assertThat(p.inactiveWriteScale()).isEqualTo(AutoScalingConfig.DISABLED);
            assertThat(p.inactiveReadScale()).isEqualTo(AutoScalingConfig.DISABLED);
            assertThat(p.inactiveWriteScaleLastN()).isEqualTo(4);
            assertThat(p.inactiveReadScaleLastN()).isEqualTo(4);
        }
        assertThat(AutoScalingConfig.DISABLED)
                .isEqualTo(new AutoScalingConfig(false, "", 3000, 6000, 1800, 1800, 80));
    }

    @Test
    void bindsEveryKey() {
        TableManagerConfig c =
                parse(
                        """
                table_manager:
                  throughput_updates_disabled: true
                  retention_deletes_enabled: true
                  retention_period: 4w
                  poll_interval: 1h30m
                  creation_grace_period: 1.5h
                  index_tables_provisioning:
                    enable_ondemand_throughput_mode: true
                    provisioned_write_throughput: 11
                    provisioned_read_throughput: 12
                    write_scale: {enabled: true, role_arn: "arn:aws:iam::1:role/x", min_capacity: 1, max_capacity: 2,
                                  out_cooldown: 3, in_cooldown: 4, target: 55.5}
                    read_scale: {enabled: true}
                    enable_inactive_throughput_on_demand_mode: true
                    inactive_write_throughput: 13
                    inactive_read_throughput: 14
                    inactive_write_scale: {enabled: true, min_capacity: 7}
                    inactive_read_scale: {max_capacity: 9}
                    inactive_write_scale_lastn: 2
                    inactive_read_scale_lastn: 3
                  chunk_tables_provisioning:
                    provisioned_write_throughput: 21
                """);
        assertThat(c.throughputUpdatesDisabled()).isTrue();
        assertThat(c.retentionDeletesEnabled()).isTrue();
        assertThat(c.retentionPeriod()).isEqualTo(Duration.ofDays(28));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.creationGracePeriod()).isEqualTo(Duration.ofMinutes(90));
        ProvisionConfig i = c.indexTables();
        assertThat(i)
                .isEqualTo(
                        new ProvisionConfig(
                                true,
                                11,
                                12,
                                new AutoScalingConfig(
                                        true, "arn:aws:iam::1:role/x", 1, 2, 3, 4, 55.5),
                                new AutoScalingConfig(true, "", 3000, 6000, 1800, 1800, 80),
                                true,
                                13,
                                14,
                                new AutoScalingConfig(true, "", 7, 6000, 1800, 1800, 80),
                                new AutoScalingConfig(false, "", 3000, 9, 1800, 1800, 80),
                                2,
                                3));
        assertThat(c.chunkTables())
                .isEqualTo(
                        new ProvisionConfig(
                                false,
                                21,
                                300,
                                AutoScalingConfig.DISABLED,
                                AutoScalingConfig.DISABLED,
                                false,
                                1,
                                300,
                                AutoScalingConfig.DISABLED,
                                AutoScalingConfig.DISABLED,
                                4,
                                4));
    }

    @Test
    void unknownKeysAndWrongTypesAreErrorsNamingTheKey() {
        assertThatThrownBy(() -> parse("table_manager:\n  retention: 1w\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cortex.yaml")
                .hasMessageContaining("table_manager.retention")
                .hasMessageContaining("retention_period");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "table_manager:\n  index_tables_provisioning:\n    write_scale: {bogus: 1}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("table_manager.index_tables_provisioning.write_scale.bogus");
        assertThatThrownBy(() -> parse("table_manager:\n  retention_deletes_enabled: yes please\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "table_manager.retention_deletes_enabled must be true or false");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "table_manager:\n  chunk_tables_provisioning:\n"
                                                + "    provisioned_read_throughput: 1.5\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("provisioned_read_throughput must be a whole number");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "table_manager:\n  chunk_tables_provisioning:\n"
                                                + "    inactive_write_throughput: -1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> parse("table_manager:\n  poll_interval: soon\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("table_manager.poll_interval");
        assertThatThrownBy(() -> parse("table_manager:\n  poll_interval: 0s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("poll_interval must be positive");
        assertThatThrownBy(() -> parse("table_manager:\n  index_tables_provisioning: 5\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a mapping");
    }

    @ParameterizedTest
    @CsvSource({
        "2m, 120000",
        "10m, 600000",
        "1h30m, 5400000",
        "1.5h, 5400000",
        "500ms, 500",
        "168h, 604800000",
        "1w, 604800000",
        "7d, 604800000",
        "0, 0",
        "0s, 0",
        "90s, 90000",
        "1h0m0s, 3600000"
    })
    void durationsInGoOrPrometheusForm(String text, long millis) {
        assertThat(TableManagerConfig.fromYaml(Map.of("retention_period", text)).retentionPeriod())
                .isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aManagerFromAConfigFile() {
        ChunkstoreConfig config =
                ChunkstoreConfig.parse(
                        SCHEMA + "table_manager:\n  retention_period: 3w\n", "c.yaml");
        TableManager tm =
                TableManager.builder(
                                TableManagerConfig.from(config),
                                config.schemaConfig(),
                                new TableManagerTest.MockTableClient())
                        .build();
        assertThat(tm.config().retentionPeriod()).isEqualTo(Duration.ofDays(21));
        ChunkstoreConfig bad =
                ChunkstoreConfig.parse(
                        SCHEMA + "table_manager:\n  retention_period: 10d\n", "c.yaml");
        assertThatThrownBy(
                        () ->
                                TableManager.builder(
                                                TableManagerConfig.from(bad),
                                                bad.schemaConfig(),
                                                new TableManagerTest.MockTableClient())
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "retention period should now be a multiple of periodic table duration");
    }
}
