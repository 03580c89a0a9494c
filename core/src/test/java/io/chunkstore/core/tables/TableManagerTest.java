package io.chunkstore.core.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.spi.AutoScalingConfig;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import io.chunkstore.spi.UnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Cortex's {@code table_manager_test.go} scenarios (creation grace, max chunk age, active and
 * inactive provisioning, inactive last-N auto-scaling, on-demand modes, tags, retention) plus plan
 * versus sync, the store filter, failures, metrics and the loop.
 */
class TableManagerTest {
    static final String BASE = "cortex_base";
    static final String PREFIX = "cortex_";
    static final String PREFIX2 = "cortex_2_";
    static final String CHUNKS = "chunks_";
    static final String CHUNKS2 = "chunks_2_";
    static final Duration RETENTION = Duration.ofDays(14);
    static final Duration PERIOD = Duration.ofDays(7);
    static final Duration GRACE = Duration.ofMinutes(15);
    static final Duration MAX_CHUNK_AGE = Duration.ofHours(12);
    static final long INACTIVE_WRITE = 1;
    static final long INACTIVE_READ = 2;
    static final long WRITE = 200;
    static final long READ = 100;
    static final Instant BASE_START = Instant.EPOCH;
    static final Instant WEEKLY_START = BASE_START.plus(PERIOD.multipliedBy(3));
    static final Instant WEEKLY2_START = BASE_START.plus(PERIOD.multipliedBy(5));
    static final AutoScalingConfig ACTIVE_SCALING =
            new AutoScalingConfig(true, "", 100, 1000, 0, 0, 80);
    static final AutoScalingConfig INACTIVE_SCALING =
            new AutoScalingConfig(true, "", 50, 500, 0, 0, 80);
    static final AutoScalingConfig OFF = AutoScalingConfig.DISABLED;

    /** Cortex's {@code mockTableClient}: keeps each table's desc as given; describe says ACTIVE. */
    static class MockTableClient implements TableClient {
        final Map<String, TableDesc> tables = Collections.synchronizedMap(new TreeMap<>());
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile boolean active = true;

        @Override
        public List<String> listTables() {
            return List.copyOf(tables.keySet());
        }

        @Override
        public void createTable(TableDesc desc) {
            calls.add("create " + desc.name());
            tables.put(desc.name(), desc);
        }

        @Override
        public void deleteTable(String name) {
            calls.add("delete " + name);
            tables.remove(name);
        }

        @Override
        public TableStatus describeTable(String name) {
            TableDesc d = tables.get(name);
            if (d == null) {
                throw new TableNotFoundException(name);
            }
            return new TableStatus(d, active);
        }

        @Override
        public void updateTable(TableDesc current, TableDesc expected) {
            calls.add("update " + current.name());
            tables.put(current.name(), expected);
        }

        @Override
        public void close() {}
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        volatile Instant now = Instant.EPOCH;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static PeriodConfig period(
            Instant from,
            String indexPrefix,
            Duration indexPeriod,
            String chunkPrefix,
            Duration chunkPeriod) {
        return new PeriodConfig(
                LocalDate.ofInstant(from, ZoneOffset.UTC),
                "memory",
                "memory",
                SchemaVersion.V9,
                PeriodicTableConfig.of(indexPrefix, indexPeriod),
                PeriodicTableConfig.of(chunkPrefix, chunkPeriod),
                0);
    }

    static TableDesc desc(
            String name, long read, long write, AutoScalingConfig writeScale, boolean onDemand) {
        return new TableDesc(name, onDemand, read, write, Map.of(), writeScale, OFF);
    }

    static TableDesc desc(String name, long read, long write, AutoScalingConfig writeScale) {
        return desc(name, read, write, writeScale, false);
    }

    static TableDesc desc(String name, long read, long write) {
        return desc(name, read, write, OFF, false);
    }

    static ProvisionConfig provision(
            long write,
            long read,
            AutoScalingConfig writeScale,
            long inactiveWrite,
            long inactiveRead,
            AutoScalingConfig inactiveWriteScale,
            long lastN,
            boolean inactiveOnDemand) {
        return new ProvisionConfig(
                false,
                write,
                read,
                writeScale,
                OFF,
                inactiveOnDemand,
                inactiveWrite,
                inactiveRead,
                inactiveWriteScale,
                OFF,
                lastN,
                4);
    }

    static TableManagerConfig config(ProvisionConfig index, ProvisionConfig chunks) {
        return TableManagerConfig.DEFAULT
                .withCreationGracePeriod(GRACE)
                .withProvisioning(index, chunks);
    }

    /** Cortex's {@code tmTest}: at time {@code at}, sync and expect exactly these tables. */
    static void sync(
            MockTableClient client,
            TableManager tm,
            MutableClock clock,
            Instant at,
            List<TableDesc> expected) {
        clock.now = at;
        tm.sync();
        expectTables(client, expected);
    }

    /**
     * Cortex's {@code ExpectTables}: the same names, each described table {@code Equals} the
     * expected one.
     */
    static void expectTables(MockTableClient client, List<TableDesc> expected) {
        assertThat(client.listTables())
                .containsExactlyElementsOf(
                        expected.stream().map(TableDesc::name).sorted().toList());
        for (TableDesc want : expected) {
            TableDesc got = client.describeTable(want.name()).desc();
            assertThat(got.satisfies(want))
                    .as("table %s: %s, expected %s", want.name(), got, want)
                    .isTrue();
        }
    }

    @Test
    void cortexTableManagerScenario() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema =
                SchemaConfig.of(
                        period(BASE_START, BASE, Duration.ZERO, "", Duration.ZERO),
                        period(WEEKLY_START, PREFIX, PERIOD, CHUNKS, PERIOD),
                        period(WEEKLY2_START, PREFIX2, PERIOD, CHUNKS2, PERIOD));
        TableManager tm =
                TableManager.builder(
                                config(
                                        provision(
                                                WRITE,
                                                READ,
                                                ACTIVE_SCALING,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                INACTIVE_SCALING,
                                                2,
                                                false),
                                        provision(
                                                WRITE,
                                                READ,
                                                OFF,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                OFF,
                                                4,
                                                false)),
                                schema,
                                client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();

        // At time zero, only the base table.
        sync(client, tm, clock, BASE_START, List.of(desc(BASE, READ, WRITE, ACTIVE_SCALING)));
        // At the start of the weekly tables, the base table and one weekly table.
        List<TableDesc> week1 =
                List.of(
                        desc(BASE, READ, WRITE, ACTIVE_SCALING),
                        desc(PREFIX + "3", READ, WRITE, ACTIVE_SCALING),
                        desc(CHUNKS + "3", READ, WRITE));
        sync(client, tm, clock, WEEKLY_START, week1);
        // Running twice changes nothing.
        sync(client, tm, clock, WEEKLY_START, week1);
        // A grace period on, the base table still has write throughput.
        sync(client, tm, clock, WEEKLY_START.plus(GRACE), week1);
        // Max chunk age + grace on, the base table is inactive (and non-periodic tables never
        // autoscale inactive).
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(MAX_CHUNK_AGE).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", READ, WRITE, ACTIVE_SCALING),
                        desc(CHUNKS + "3", READ, WRITE)));
        // A table period minus the grace period on, the next weekly table appears.
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).minus(GRACE).plusSeconds(1),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", READ, WRITE, ACTIVE_SCALING),
                        desc(PREFIX + "4", READ, WRITE, ACTIVE_SCALING),
                        desc(CHUNKS + "3", READ, WRITE),
                        desc(CHUNKS + "4", READ, WRITE)));
        // A table period plus the grace period on, both still provisioned.
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", READ, WRITE, ACTIVE_SCALING),
                        desc(PREFIX + "4", READ, WRITE, ACTIVE_SCALING),
                        desc(CHUNKS + "3", READ, WRITE),
                        desc(CHUNKS + "4", READ, WRITE)));
        // A table period plus max chunk age plus grace on, week 3 goes inactive (with inactive
        // autoscaling).
        List<TableDesc> week3Inactive =
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                        desc(PREFIX + "4", READ, WRITE, ACTIVE_SCALING),
                        desc(CHUNKS + "3", INACTIVE_READ, INACTIVE_WRITE),
                        desc(CHUNKS + "4", READ, WRITE));
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(MAX_CHUNK_AGE).plus(GRACE),
                week3Inactive);
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(MAX_CHUNK_AGE).plus(GRACE),
                week3Inactive);
        // Just short of the grace period before the next section, its tables appear.
        List<TableDesc> next = new ArrayList<>(week3Inactive);
        next.add(desc(PREFIX2 + "5", READ, WRITE, ACTIVE_SCALING));
        next.add(desc(CHUNKS2 + "5", READ, WRITE));
        sync(client, tm, clock, WEEKLY2_START.minus(GRACE).plusSeconds(1), next);
        // In the next section of the config.
        sync(client, tm, clock, WEEKLY2_START, next);
    }

    @Test
    void autoscalingOfInactiveTablesOnly() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema =
                SchemaConfig.of(
                        period(BASE_START, BASE, Duration.ZERO, "", Duration.ZERO),
                        period(WEEKLY_START, PREFIX, PERIOD, CHUNKS, PERIOD));
        TableManager tm =
                TableManager.builder(
                                config(
                                        provision(
                                                WRITE,
                                                READ,
                                                OFF,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                INACTIVE_SCALING,
                                                2,
                                                false),
                                        provision(
                                                WRITE,
                                                READ,
                                                OFF,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                OFF,
                                                4,
                                                false)),
                                schema,
                                client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        sync(
                client,
                tm,
                clock,
                WEEKLY_START,
                List.of(
                        desc(BASE, READ, WRITE),
                        desc(PREFIX + "3", READ, WRITE),
                        desc(CHUNKS + "3", READ, WRITE)));
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", READ, WRITE),
                        desc(PREFIX + "4", READ, WRITE),
                        desc(CHUNKS + "3", READ, WRITE),
                        desc(CHUNKS + "4", READ, WRITE)));
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(MAX_CHUNK_AGE).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE),
                        desc(PREFIX + "3", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                        desc(PREFIX + "4", READ, WRITE),
                        desc(CHUNKS + "3", INACTIVE_READ, INACTIVE_WRITE),
                        desc(CHUNKS + "4", READ, WRITE)));
    }

    @Test
    void onDemandModeForInactiveTables() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema =
                SchemaConfig.of(
                        period(BASE_START, BASE, Duration.ZERO, "", Duration.ZERO),
                        period(WEEKLY_START, PREFIX, PERIOD, CHUNKS, PERIOD));
        TableManager tm =
                TableManager.builder(
                                config(
                                        provision(
                                                WRITE,
                                                READ,
                                                OFF,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                INACTIVE_SCALING,
                                                1,
                                                true),
                                        provision(
                                                WRITE,
                                                READ,
                                                OFF,
                                                INACTIVE_WRITE,
                                                INACTIVE_READ,
                                                OFF,
                                                4,
                                                true)),
                                schema,
                                client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        sync(
                client,
                tm,
                clock,
                WEEKLY_START,
                List.of(
                        desc(BASE, READ, WRITE),
                        desc(PREFIX + "3", READ, WRITE),
                        desc(CHUNKS + "3", READ, WRITE)));
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(PREFIX + "3", READ, WRITE),
                        desc(PREFIX + "4", READ, WRITE),
                        desc(CHUNKS + "3", READ, WRITE),
                        desc(CHUNKS + "4", READ, WRITE)));
        // Week 3's index table autoscales (so it is not on-demand); its chunk table flips to
        // on-demand.
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD).plus(MAX_CHUNK_AGE).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(PREFIX + "3", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING, false),
                        desc(PREFIX + "4", READ, WRITE),
                        desc(CHUNKS + "3", INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(CHUNKS + "4", READ, WRITE)));
        // A period later, week 3 is past the last inactive table that autoscales: on-demand.
        sync(
                client,
                tm,
                clock,
                WEEKLY_START.plus(PERIOD.multipliedBy(2)).plus(MAX_CHUNK_AGE).plus(GRACE),
                List.of(
                        desc(BASE, INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(PREFIX + "3", INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(PREFIX + "4", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING, false),
                        desc(PREFIX + "5", READ, WRITE),
                        desc(CHUNKS + "3", INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(CHUNKS + "4", INACTIVE_READ, INACTIVE_WRITE, OFF, true),
                        desc(CHUNKS + "5", READ, WRITE)));
    }

    @Test
    void activeOnDemandModeIsTurnedOffByAutoscaling() {
        ProvisionConfig p =
                new ProvisionConfig(true, WRITE, READ, OFF, OFF, false, 1, 2, OFF, OFF, 4, 4);
        assertThat(p.activeTable("t", Map.of()).useOnDemandIOMode()).isTrue();
        ProvisionConfig scaled =
                new ProvisionConfig(
                        true, WRITE, READ, OFF, ACTIVE_SCALING, false, 1, 2, OFF, OFF, 4, 4);
        TableDesc d = scaled.activeTable("t", Map.of("k", "v"));
        assertThat(d.useOnDemandIOMode()).isFalse();
        assertThat(d.readScale()).isEqualTo(ACTIVE_SCALING);
        assertThat(d.writeScale()).isEqualTo(OFF);
        assertThat(d.tags()).containsEntry("k", "v");
    }

    @Test
    void tagsOfThePeriodConfigGoOnTheTables() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig untagged =
                SchemaConfig.of(period(BASE_START, "index", Duration.ZERO, "", Duration.ZERO));
        sync(
                client,
                TableManager.builder(TableManagerConfig.DEFAULT, untagged, client)
                        .clock(clock)
                        .build(),
                clock,
                BASE_START,
                List.of(ProvisionConfig.DEFAULT.activeTable("index", Map.of())));
        SchemaConfig tagged =
                SchemaConfig.of(
                        new PeriodConfig(
                                LocalDate.EPOCH,
                                "memory",
                                "memory",
                                SchemaVersion.V9,
                                new PeriodicTableConfig(
                                        "index", Duration.ZERO, Map.of("foo", "bar"), ""),
                                null,
                                0));
        sync(
                client,
                TableManager.builder(TableManagerConfig.DEFAULT, tagged, client)
                        .clock(clock)
                        .build(),
                clock,
                BASE_START,
                List.of(ProvisionConfig.DEFAULT.activeTable("index", Map.of("foo", "bar"))));
        assertThat(client.describeTable("index").desc().tags()).isEqualTo(Map.of("foo", "bar"));
    }

    @Test
    void retentionKeepsKeepPlusOneTablesAndDeletesOnlyWhenEnabledAndPrefixed() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema = SchemaConfig.of(period(BASE_START, PREFIX, PERIOD, CHUNKS, PERIOD));
        ProvisionConfig index =
                provision(
                        WRITE,
                        READ,
                        OFF,
                        INACTIVE_WRITE,
                        INACTIVE_READ,
                        INACTIVE_SCALING,
                        2,
                        false);
        ProvisionConfig chunks =
                provision(WRITE, READ, OFF, INACTIVE_WRITE, INACTIVE_READ, OFF, 4, false);
        TableManagerConfig cfg = config(index, chunks).withRetention(RETENTION, true);
        TableManager tm =
                TableManager.builder(cfg, schema, client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        client.createTable(TableDesc.named("unmanaged_0"));

        sync(
                client,
                tm,
                clock,
                BASE_START,
                withUnmanaged(
                        List.of(desc(PREFIX + "0", READ, WRITE), desc(CHUNKS + "0", READ, WRITE))));
        sync(
                client,
                tm,
                clock,
                BASE_START.plus(PERIOD),
                withUnmanaged(
                        List.of(
                                desc(PREFIX + "0", READ, WRITE),
                                desc(PREFIX + "1", READ, WRITE),
                                desc(CHUNKS + "0", READ, WRITE),
                                desc(CHUNKS + "1", READ, WRITE))));
        sync(
                client,
                tm,
                clock,
                BASE_START.plus(PERIOD.multipliedBy(2)),
                withUnmanaged(
                        List.of(
                                desc(PREFIX + "0", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                                        desc(PREFIX + "1", READ, WRITE),
                                desc(PREFIX + "2", READ, WRITE),
                                        desc(CHUNKS + "0", INACTIVE_READ, INACTIVE_WRITE),
                                desc(CHUNKS + "1", READ, WRITE), desc(CHUNKS + "2", READ, WRITE))));
        // Three periods on: table 0 is deleted, keep + 1 = 3 tables remain; the unmanaged table
        // stays.
        List<TableDesc> afterDelete =
                List.of(
                        desc(PREFIX + "1", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                                desc(PREFIX + "2", READ, WRITE),
                        desc(PREFIX + "3", READ, WRITE),
                                desc(CHUNKS + "1", INACTIVE_READ, INACTIVE_WRITE),
                        desc(CHUNKS + "2", READ, WRITE), desc(CHUNKS + "3", READ, WRITE));
        sync(
                client,
                tm,
                clock,
                BASE_START.plus(PERIOD.multipliedBy(3)),
                withUnmanaged(afterDelete));
        assertThat(client.calls)
                .contains("delete " + PREFIX + "0", "delete " + CHUNKS + "0")
                .doesNotContain("delete unmanaged_0");
        sync(
                client,
                tm,
                clock,
                BASE_START.plus(PERIOD.multipliedBy(3)).plus(Duration.ofDays(1)).minus(GRACE),
                withUnmanaged(
                        List.of(
                                desc(PREFIX + "1", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                                desc(PREFIX + "2", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING),
                                desc(PREFIX + "3", READ, WRITE),
                                desc(CHUNKS + "1", INACTIVE_READ, INACTIVE_WRITE),
                                desc(CHUNKS + "2", INACTIVE_READ, INACTIVE_WRITE),
                                desc(CHUNKS + "3", READ, WRITE))));

        // Without retention deletes nothing is removed (old tables are re-created by hand, as in
        // Cortex's test).
        TableManager noDeletes =
                TableManager.builder(cfg.withRetention(RETENTION, false), schema, client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        client.createTable(desc(PREFIX + "0", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING));
        client.createTable(desc(CHUNKS + "0", INACTIVE_READ, INACTIVE_WRITE));
        clock.now = BASE_START.plus(PERIOD.multipliedBy(3));
        TablePlan plan = noDeletes.plan();
        assertThat(plan.of(TableAction.Kind.DELETE)).isEmpty();
        assertThat(plan.actions())
                .filteredOn(a -> a.table().equals(PREFIX + "0"))
                .singleElement()
                .satisfies(
                        a -> assertThat(a.reason()).contains("retention_deletes_enabled is false"));
        List<TableDesc> kept = new ArrayList<>(afterDelete);
        kept.add(desc(PREFIX + "0", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING));
        kept.add(desc(CHUNKS + "0", INACTIVE_READ, INACTIVE_WRITE));
        sync(
                client,
                noDeletes,
                clock,
                BASE_START.plus(PERIOD.multipliedBy(3)),
                withUnmanaged(kept));

        // With a retention period of zero nothing outside the config's range is removed either.
        SchemaConfig later =
                SchemaConfig.of(period(BASE_START.plus(PERIOD), PREFIX, PERIOD, CHUNKS, PERIOD));
        TableManager noRetention =
                TableManager.builder(cfg.withRetention(Duration.ZERO, true), later, client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        sync(
                client,
                noRetention,
                clock,
                BASE_START.plus(PERIOD.multipliedBy(3)),
                withUnmanaged(kept));

        // The retention period must be a multiple of the table period.
        assertThatThrownBy(
                        () ->
                                TableManager.builder(
                                                cfg.withRetention(RETENTION.plusSeconds(1), true),
                                                schema,
                                                client)
                                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "retention period should now be a multiple of periodic table duration")
                .hasMessageContaining("336h1s")
                .hasMessageContaining("168h");
    }

    static List<TableDesc> withUnmanaged(List<TableDesc> tables) {
        List<TableDesc> out = new ArrayList<>(tables);
        out.add(TableDesc.named("unmanaged_0"));
        return out;
    }

    @Test
    void planSaysExactlyWhatSyncThenDoes() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema = SchemaConfig.of(period(BASE_START, PREFIX, PERIOD, CHUNKS, PERIOD));
        TableManagerConfig cfg =
                config(
                                provision(
                                        WRITE,
                                        READ,
                                        OFF,
                                        INACTIVE_WRITE,
                                        INACTIVE_READ,
                                        INACTIVE_SCALING,
                                        2,
                                        false),
                                provision(
                                        WRITE,
                                        READ,
                                        OFF,
                                        INACTIVE_WRITE,
                                        INACTIVE_READ,
                                        OFF,
                                        4,
                                        false))
                        .withRetention(RETENTION, true);
        TableManager tm =
                TableManager.builder(cfg, schema, client)
                        .maxChunkAge(MAX_CHUNK_AGE)
                        .clock(clock)
                        .build();
        clock.now = BASE_START.plus(PERIOD);
        tm.sync();
        client.calls.clear();

        clock.now = BASE_START.plus(PERIOD.multipliedBy(3));
        TablePlan plan = tm.plan();
        assertThat(client.calls).isEmpty();
        assertThat(plan.expected())
                .containsExactly(
                        CHUNKS + "1",
                        CHUNKS + "2",
                        CHUNKS + "3",
                        PREFIX + "1",
                        PREFIX + "2",
                        PREFIX + "3");
        List<String> planned = new ArrayList<>();
        for (TableAction a : plan.actions()) {
            if (a.kind() != TableAction.Kind.KEEP) {
                planned.add(a.kind().name().toLowerCase() + " " + a.table());
            }
        }
        assertThat(planned)
                .containsExactly(
                        "delete " + CHUNKS + "0",
                        "delete " + PREFIX + "0",
                        "create " + CHUNKS + "2",
                        "create " + CHUNKS + "3",
                        "create " + PREFIX + "2",
                        "create " + PREFIX + "3",
                        "update " + CHUNKS + "1",
                        "update " + PREFIX + "1");
        TableAction update = plan.of(TableAction.Kind.UPDATE).get(1);
        assertThat(update.current()).isEqualTo(desc(PREFIX + "1", READ, WRITE));
        assertThat(update.expected())
                .isEqualTo(desc(PREFIX + "1", INACTIVE_READ, INACTIVE_WRITE, INACTIVE_SCALING));
        assertThat(update.describe())
                .contains("update")
                .contains(PREFIX + "1")
                .contains("read 100 -> 2")
                .contains("write 200 -> 1")
                .contains("write auto-scaling off -> 50-500");
        assertThat(plan.describe())
                .contains("delete  " + PREFIX + "0")
                .contains("create  " + PREFIX + "3");

        TablePlan done = tm.sync();
        assertThat(done).isEqualTo(plan);
        assertThat(client.calls).containsExactlyElementsOf(planned);
        assertThat(tm.plan().isNoop()).isTrue();
    }

    @Test
    void throughputUpdatesCanBeDisabledAndInactiveTablesWait() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        SchemaConfig schema =
                SchemaConfig.of(period(BASE_START, PREFIX, PERIOD, "", Duration.ZERO));
        client.createTable(desc(PREFIX + "0", 1, 1));
        TableManager disabled =
                TableManager.builder(
                                TableManagerConfig.DEFAULT.withThroughputUpdatesDisabled(true),
                                schema,
                                client)
                        .clock(clock)
                        .build();
        TablePlan plan = disabled.sync();
        assertThat(plan.actions())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.kind()).isEqualTo(TableAction.Kind.KEEP);
                            assertThat(a.reason()).isEqualTo("throughput updates are disabled");
                        });
        client.active = false;
        TableManager enabled =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(clock)
                        .build();
        assertThat(enabled.sync().actions())
                .singleElement()
                .satisfies(a -> assertThat(a.reason()).isEqualTo("not ACTIVE yet"));
        assertThat(client.calls).containsExactly("create " + PREFIX + "0");
        client.active = true;
        assertThat(enabled.sync().of(TableAction.Kind.UPDATE)).hasSize(1);
        assertThat(client.describeTable(PREFIX + "0").desc())
                .isEqualTo(ProvisionConfig.DEFAULT.activeTable(PREFIX + "0", Map.of()));
    }

    @Test
    void onlyTheTablesOfOneStore() {
        MockTableClient client = new MockTableClient();
        MutableClock clock = new MutableClock();
        clock.now = Instant.parse("2020-03-01T00:00:00Z");
        SchemaConfig schema =
                SchemaConfig.of(
                        new PeriodConfig(
                                LocalDate.of(2020, 1, 1),
                                "cassandra",
                                "s3",
                                SchemaVersion.V11,
                                PeriodicTableConfig.of("c_index_", PERIOD),
                                PeriodicTableConfig.of("c_chunks_", PERIOD),
                                16),
                        new PeriodConfig(
                                LocalDate.of(2020, 2, 1),
                                "aws-dynamo",
                                "aws-dynamo",
                                SchemaVersion.V11,
                                PeriodicTableConfig.of("d_index_", PERIOD),
                                PeriodicTableConfig.of("d_chunks_", PERIOD),
                                16));
        TableManager cassandra =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(clock)
                        .onlyStore("cassandra")
                        .build();
        // 2020-01-01 is in week 2608, 2020-02-01 in week 2613, 2020-03-01 in week 2617.
        assertThat(cassandra.expectedTables())
                .extracting(TableDesc::name)
                .allMatch(n -> n.startsWith("c_index_"))
                .hasSize(6);
        TableManager dynamo =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(clock)
                        .onlyStore("aws-dynamo")
                        .build();
        assertThat(dynamo.expectedTables())
                .extracting(TableDesc::name)
                .allMatch(n -> n.startsWith("d_index_") || n.startsWith("d_chunks_"))
                .hasSize(10);
        TableManager all =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(clock)
                        .build();
        assertThat(all.expectedTables()).hasSize(6 + 6 + 5 + 5);
    }

    @Test
    void nonPeriodicTables() {
        MutableClock clock = new MutableClock();
        clock.now = WEEKLY_START;
        // Cortex's non-periodic index branch makes no chunk tables, even with a chunks prefix.
        SchemaConfig nonPeriodicIndex =
                SchemaConfig.of(period(BASE_START, "index", Duration.ZERO, "chunks", PERIOD));
        assertThat(
                        TableManager.builder(
                                        TableManagerConfig.DEFAULT,
                                        nonPeriodicIndex,
                                        new MockTableClient())
                                .clock(clock)
                                .build()
                                .expectedTables())
                .extracting(TableDesc::name)
                .containsExactly("index");
        // A non-periodic chunk table next to periodic index tables is one table.
        SchemaConfig nonPeriodicChunks =
                SchemaConfig.of(period(BASE_START, "index_", PERIOD, "chunks", Duration.ZERO));
        assertThat(
                        TableManager.builder(
                                        TableManagerConfig.DEFAULT,
                                        nonPeriodicChunks,
                                        new MockTableClient())
                                .clock(clock)
                                .build()
                                .expectedTables())
                .extracting(TableDesc::name)
                .containsExactly("chunks", "index_0", "index_1", "index_2", "index_3");
        // Periods that start after now + grace have no tables yet.
        SchemaConfig future =
                SchemaConfig.of(period(WEEKLY2_START, "index_", PERIOD, "", Duration.ZERO));
        assertThat(
                        TableManager.builder(
                                        TableManagerConfig.DEFAULT, future, new MockTableClient())
                                .clock(clock)
                                .build()
                                .expectedTables())
                .isEmpty();
    }

    @Test
    void failuresAreCountedAndMetricsKept() {
        MutableClock clock = new MutableClock();
        clock.now = Instant.ofEpochSecond(1_000_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MockTableClient client =
                new MockTableClient() {
                    @Override
                    public void createTable(TableDesc desc) {
                        if (desc.name().endsWith("1")) {
                            throw new UnavailableException("cannot create " + desc.name());
                        }
                        super.createTable(desc);
                    }
                };
        SchemaConfig schema = SchemaConfig.of(period(BASE_START, PREFIX, PERIOD, CHUNKS, PERIOD));
        TableManager tm =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(clock)
                        .metrics(registry, "loki")
                        .build();
        assertThatThrownBy(tm::sync).isInstanceOf(UnavailableException.class);
        // Every create was tried: the other tables exist.
        assertThat(client.listTables()).containsExactly(CHUNKS + "0", PREFIX + "0");
        assertThat(registry.get("loki_table_manager_create_failures").gauge().value()).isEqualTo(2);
        assertThat(
                        registry.get("loki_table_manager_sync_duration_seconds")
                                .tag("status_code", "500")
                                .timer()
                                .count())
                .isEqualTo(1);
        assertThat(
                        registry.get("loki_table_manager_sync_success_timestamp_seconds")
                                .gauge()
                                .value())
                .isZero();

        MockTableClient ok = new MockTableClient();
        ok.createTable(desc(PREFIX + "0", 5, 7));
        registry = new SimpleMeterRegistry();
        TableManager good =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, ok)
                        .clock(clock)
                        .metrics(registry, "loki")
                        .build();
        good.sync();
        assertThat(
                        registry.get("loki_table_manager_sync_success_timestamp_seconds")
                                .gauge()
                                .value())
                .isEqualTo(1_000_000.0);
        assertThat(
                        registry.get("loki_table_capacity_units")
                                .tag("op", "read")
                                .tag("table", PREFIX + "0")
                                .gauge()
                                .value())
                .isEqualTo(5);
        assertThat(
                        registry.get("loki_table_capacity_units")
                                .tag("op", "write")
                                .tag("table", PREFIX + "0")
                                .gauge()
                                .value())
                .isEqualTo(7);
        assertThat(registry.get("loki_table_manager_delete_failures").gauge().value()).isZero();
        assertThat(
                        registry.get("loki_table_manager_sync_duration_seconds")
                                .tag("status_code", "200")
                                .timer()
                                .count())
                .isEqualTo(1);
    }

    @Test
    void theLoopSyncsOnceThenAfterAJitterThenEveryPollInterval() {
        MockTableClient client = new MockTableClient();
        SchemaConfig schema =
                SchemaConfig.of(period(BASE_START, PREFIX, PERIOD, "", Duration.ZERO));
        TableManager tm =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, client)
                        .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
                        .build();
        List<Duration> sleeps = new ArrayList<>();
        TableSyncLoop[] loop = new TableSyncLoop[1];
        loop[0] =
                new TableSyncLoop(
                        tm,
                        Duration.ofMinutes(2),
                        d -> {
                            sleeps.add(d);
                            if (sleeps.size() == 4) {
                                loop[0].stop();
                            }
                        });
        loop[0].run();
        assertThat(loop[0].syncs()).isEqualTo(4);
        assertThat(loop[0].failures()).isZero();
        assertThat(sleeps.get(0))
                .isLessThan(Duration.ofMinutes(2))
                .isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(sleeps.subList(1, 4)).containsOnly(Duration.ofMinutes(2));
        assertThat(tm.loop()).isNotNull();

        // A failing sync is logged and the loop goes on.
        MockTableClient broken =
                new MockTableClient() {
                    @Override
                    public List<String> listTables() {
                        throw new UnavailableException("down");
                    }
                };
        TableManager failing =
                TableManager.builder(TableManagerConfig.DEFAULT, schema, broken).build();
        int[] n = {0};
        TableSyncLoop[] l2 = new TableSyncLoop[1];
        l2[0] =
                new TableSyncLoop(
                        failing,
                        Duration.ofSeconds(1),
                        d -> {
                            if (++n[0] == 3) {
                                l2[0].stop();
                            }
                        });
        l2[0].run();
        assertThat(l2[0].syncs()).isEqualTo(3);
        assertThat(l2[0].failures()).isEqualTo(3);
    }
}
