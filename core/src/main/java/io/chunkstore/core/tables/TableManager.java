package io.chunkstore.core.tables;

import io.chunkstore.core.config.Durations;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cortex's table manager (pkg/chunk/table_manager.go): from the schema config and the clock it
 * works out which index and chunk tables should exist and how they are provisioned, and brings a
 * store's tables there: creates the missing ones, updates the provisioning of active tables that
 * differ, and, with a retention period, deletes the tables past it (only those whose names start
 * with a configured prefix, and only when retention deletes are enabled).
 *
 * <p>{@link #plan()} says what {@link #sync()} would do without doing it. {@link #loop()} runs
 * syncs every poll interval. Metrics, under the namespace: {@code
 * table_manager_sync_duration_seconds}, {@code table_capacity_units}, {@code
 * table_manager_create_failures}, {@code table_manager_delete_failures}, {@code
 * table_manager_sync_success_timestamp_seconds} (its gauges are registered once per name: give each
 * manager its own registry, or run one manager per process as Cortex does).
 *
 * <pre>{@code
 * TableManager tm = TableManager.builder(TableManagerConfig.from(config), config.schemaConfig(),
 *         backends.tableClient(storeName)).onlyStore(storeName).metrics(registry, config.metricsNamespace()).build();
 * System.out.println(tm.plan().describe());   // tables plan
 * tm.sync();                                  // tables sync
 * tm.loop().run();                            // tables sync --loop (until interrupted)
 * }</pre>
 */
public final class TableManager {
    /**
     * The ingester's max chunk age Cortex's tests and defaults use: tables stay active this long
     * past their end.
     */
    public static final Duration DEFAULT_MAX_CHUNK_AGE = Duration.ofHours(12);

    private static final Logger LOG = LoggerFactory.getLogger(TableManager.class);
    private static final Duration[] DEF_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };

    private final TableManagerConfig cfg;
    private final SchemaConfig schema;
    private final TableClient client;
    private final Duration maxChunkAge;
    private final Clock clock;
    private final String onlyStore;
    private final MeterRegistry registry;
    private final String ns;
    private final AtomicLong createFailures = new AtomicLong();
    private final AtomicLong deleteFailures = new AtomicLong();
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private final Map<String, AtomicLong> capacity = new ConcurrentHashMap<>();

    private TableManager(Builder b) {
        this.cfg = b.cfg;
        this.schema = b.schema;
        this.client = b.client;
        this.maxChunkAge = b.maxChunkAge;
        this.clock = b.clock;
        this.onlyStore = b.onlyStore;
        this.registry = b.registry;
        this.ns = b.namespace.isEmpty() ? "" : b.namespace + "_";
        checkRetention(cfg, schema);
        Gauge.builder(ns + "table_manager_create_failures", createFailures, AtomicLong::get)
                .description(
                        "Number of table creation failures during the last table-manager reconciliation")
                .register(registry);
        Gauge.builder(ns + "table_manager_delete_failures", deleteFailures, AtomicLong::get)
                .description(
                        "Number of table deletion failures during the last table-manager reconciliation")
                .register(registry);
        Gauge.builder(
                        ns + "table_manager_sync_success_timestamp_seconds",
                        lastSuccessMillis,
                        v -> v.get() / 1000.0)
                .description("Timestamp of the last successful table manager sync.")
                .register(registry);
    }

    /**
     * Cortex's construction check: the retention period must be a multiple of the newest period's
     * index table period.
     */
    private static void checkRetention(TableManagerConfig cfg, SchemaConfig schema) {
        Duration retention = cfg.retentionPeriod();
        if (retention.isZero()) {
            return;
        }
        PeriodConfig newest = schema.periods().get(schema.periods().size() - 1);
        Duration period = newest.index().period();
        if (!period.isZero() && retention.toMillis() % period.toMillis() != 0) {
            throw new ConfigException(
                    "table_manager.retention_period "
                            + Durations.format(retention)
                            + " is not a multiple of the index table period "
                            + Durations.format(period)
                            + " of the newest"
                            + " schema period (from "
                            + newest.from()
                            + "): retention period should now be a multiple of"
                            + " periodic table duration");
        }
    }

    public static Builder builder(TableManagerConfig cfg, SchemaConfig schema, TableClient client) {
        return new Builder(cfg, schema, client);
    }

    /**
     * A manager for the tables of one store among a config's opened backends: only that store's
     * periods count, and throughput updates are off unless the store keeps provisioning (DynamoDB)
     * — elsewhere every table would otherwise look as if it needed an update on every sync.
     */
    public static Builder forStore(
            TableManagerConfig cfg, SchemaConfig schema, StoreBackends backends, String store) {
        TableManagerConfig c =
                backends.backend(store).capabilities().has(Feature.TABLE_PROVISIONING)
                        ? cfg
                        : cfg.withThroughputUpdatesDisabled(true);
        return new Builder(c, schema, backends.tableClient(store)).onlyStore(store);
    }

    public TableManagerConfig config() {
        return cfg;
    }

    // ---- expected tables

    /**
     * The tables the schema config expects now, sorted by name (Cortex's {@code
     * calculateExpectedTables}): for each period starting before now + grace, its non-periodic
     * index table, or its periodic index tables (and chunk tables when it has a chunks prefix) up
     * to now + grace or the next period, no further back than the retention period keeps, each
     * active or inactive by the clock. When two periods name the same table, the later one's
     * description wins.
     */
    public List<TableDesc> expectedTables() {
        long now = clock.millis() / 1000;
        long grace = cfg.creationGracePeriod().toSeconds();
        long maxAge = maxChunkAge.toSeconds();
        Map<String, TableDesc> out = new LinkedHashMap<>();
        List<PeriodConfig> periods = schema.periods();
        for (int i = 0; i < periods.size(); i++) {
            PeriodConfig p = periods.get(i);
            long from = p.fromMs() / 1000;
            if (from > now + grace) {
                continue;
            }
            Long nextFrom = i + 1 < periods.size() ? periods.get(i + 1).fromMs() / 1000 : null;
            boolean index = onlyStore == null || onlyStore.equals(p.store());
            boolean chunks =
                    !p.chunks().prefix().isEmpty()
                            && (onlyStore == null || onlyStore.equals(p.objectStore()));
            if (!p.index().isPeriodic()) {
                // Cortex's non-periodic branch: one index table, and no chunk tables.
                if (index) {
                    put(
                            out,
                            nonPeriodic(
                                    p.index(), cfg.indexTables(), nextFrom, now, grace, maxAge));
                }
                continue;
            }
            long end = now + grace;
            if (nextFrom != null && end > nextFrom) {
                end = nextFrom;
            }
            if (index) {
                periodicTables(p.index(), from, end, cfg.indexTables(), now, grace, maxAge)
                        .forEach(d -> put(out, d));
            }
            if (chunks) {
                if (p.chunks().isPeriodic()) {
                    periodicTables(p.chunks(), from, end, cfg.chunkTables(), now, grace, maxAge)
                            .forEach(d -> put(out, d));
                } else {
                    put(
                            out,
                            nonPeriodic(
                                    p.chunks(), cfg.chunkTables(), nextFrom, now, grace, maxAge));
                }
            }
        }
        return new ArrayList<>(new TreeMap<>(out).values());
    }

    private static void put(Map<String, TableDesc> out, TableDesc d) {
        out.remove(d.name());
        out.put(d.name(), d);
    }

    /**
     * A non-periodic table: active until {@code next.from + grace + maxChunkAge}; inactive ones
     * never autoscale.
     */
    private static TableDesc nonPeriodic(
            PeriodicTableConfig tables,
            ProvisionConfig prov,
            Long nextFrom,
            long now,
            long grace,
            long maxAge) {
        boolean active = nextFrom == null || now < nextFrom + grace + maxAge;
        return active
                ? prov.activeTable(tables.prefix(), tables.tags())
                : prov.inactiveTable(tables.prefix(), tables.tags(), true);
    }

    /** Cortex's {@code periodicTables}: the tables of {@code [from, through)} in seconds. */
    private List<TableDesc> periodicTables(
            PeriodicTableConfig tables,
            long from,
            long through,
            ProvisionConfig prov,
            long now,
            long grace,
            long maxAge) {
        long period = tables.periodSeconds();
        long first = from / period;
        long last = through / period;
        if (through % period == 0) {
            last--;
        }
        long keep = cfg.retentionPeriod().toSeconds() / period;
        if (!cfg.retentionPeriod().isZero() && last > keep && last - first >= keep) {
            first = last - keep;
        }
        long nowTable = now / period;
        List<TableDesc> out = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            String name = tables.prefix() + i;
            if (i * period - grace <= now && now < i * period + period + maxAge) {
                out.add(prov.activeTable(name, tables.tags()));
            } else {
                boolean disableAutoscale = i < nowTable - prov.inactiveWriteScaleLastN();
                out.add(prov.inactiveTable(name, tables.tags(), disableAutoscale));
            }
        }
        return out;
    }

    // ---- plan and sync

    /**
     * What {@link #sync()} would do now, without changing anything: lists the tables, describes the
     * expected ones that exist.
     */
    public TablePlan plan() {
        List<TableDesc> expected = expectedTables();
        Set<String> existing = new TreeSet<>(client.listTables());
        Map<String, TableDesc> byName = new LinkedHashMap<>();
        expected.forEach(d -> byName.put(d.name(), d));
        List<TableAction> creates = new ArrayList<>();
        List<TableAction> updates = new ArrayList<>();
        List<TableAction> deletes = new ArrayList<>();
        List<TableAction> keeps = new ArrayList<>();
        for (TableDesc want : expected) {
            if (!existing.contains(want.name())) {
                creates.add(
                        new TableAction(
                                TableAction.Kind.CREATE, want.name(), null, want, "missing"));
                continue;
            }
            TableStatus status = client.describeTable(want.name());
            TableDesc current = status.desc();
            if (cfg.throughputUpdatesDisabled()) {
                keeps.add(
                        new TableAction(
                                TableAction.Kind.KEEP,
                                want.name(),
                                current,
                                want,
                                "throughput updates are disabled"));
            } else if (!status.active()) {
                keeps.add(
                        new TableAction(
                                TableAction.Kind.KEEP,
                                want.name(),
                                current,
                                want,
                                "not ACTIVE yet"));
            } else if (current.satisfies(want)) {
                keeps.add(
                        new TableAction(
                                TableAction.Kind.KEEP, want.name(), current, want, "as expected"));
            } else {
                updates.add(
                        new TableAction(
                                TableAction.Kind.UPDATE,
                                want.name(),
                                current,
                                want,
                                "provisioning differs"));
            }
        }
        if (!cfg.retentionPeriod().isZero()) {
            Set<String> prefixes = managedPrefixes();
            for (String name : existing) {
                if (byName.containsKey(name) || prefixes.stream().noneMatch(name::startsWith)) {
                    continue;
                }
                if (cfg.retentionDeletesEnabled()) {
                    deletes.add(
                            new TableAction(
                                    TableAction.Kind.DELETE,
                                    name,
                                    null,
                                    null,
                                    "past the retention period "
                                            + Durations.format(cfg.retentionPeriod())));
                } else {
                    keeps.add(
                            new TableAction(
                                    TableAction.Kind.KEEP,
                                    name,
                                    null,
                                    null,
                                    "past the retention period, but retention_deletes_enabled is false"));
                }
            }
        }
        List<TableAction> all = new ArrayList<>(deletes);
        all.addAll(creates);
        all.addAll(updates);
        keeps.sort(java.util.Comparator.comparing(TableAction::table));
        all.addAll(keeps);
        return new TablePlan(new ArrayList<>(byName.keySet()), all);
    }

    private Set<String> managedPrefixes() {
        Set<String> prefixes = new LinkedHashSet<>();
        for (PeriodConfig p : schema.periods()) {
            if (!p.index().prefix().isEmpty()
                    && (onlyStore == null || onlyStore.equals(p.store()))) {
                prefixes.add(p.index().prefix());
            }
            if (!p.chunks().prefix().isEmpty()
                    && (onlyStore == null || onlyStore.equals(p.objectStore()))) {
                prefixes.add(p.chunks().prefix());
            }
        }
        return prefixes;
    }

    /**
     * Brings the tables to the plan (Cortex's {@code SyncTables}): deletes, then creates, then
     * updates, recording the capacity of every expected table that exists. Every delete and every
     * create is tried; failures are counted in the failure gauges and the first is thrown after the
     * step.
     *
     * @return the plan carried out
     * @throws StorageException the first failure; the sync stops after a failed step
     */
    public TablePlan sync() {
        Timer.Sample sample = Timer.start(registry);
        String status = "500";
        try {
            TablePlan plan = plan();
            for (TableAction a : plan.actions()) {
                if (a.current() != null && a.expected() != null) {
                    capacityGauge("read", a.table()).set(a.current().provisionedRead());
                    capacityGauge("write", a.table()).set(a.current().provisionedWrite());
                }
            }
            runStep(
                    plan.of(TableAction.Kind.DELETE),
                    deleteFailures,
                    a -> {
                        LOG.info("deleting table {}: {}", a.table(), a.reason());
                        client.deleteTable(a.table());
                    });
            runStep(
                    plan.of(TableAction.Kind.CREATE),
                    createFailures,
                    a -> {
                        LOG.info("creating table {}", a.table());
                        client.createTable(a.expected());
                    });
            for (TableAction a : plan.of(TableAction.Kind.UPDATE)) {
                LOG.info("updating table {}: {}", a.table(), a.describe());
                client.updateTable(a.current(), a.expected());
            }
            for (TableAction a : plan.of(TableAction.Kind.KEEP)) {
                if (a.expected() == null) {
                    LOG.info("table {} is {}", a.table(), a.reason());
                }
            }
            lastSuccessMillis.set(clock.millis());
            status = "200";
            return plan;
        } finally {
            sample.stop(
                    Timer.builder(ns + "table_manager_sync_duration_seconds")
                            .description("Time spent synching tables.")
                            .tag("operation", "TableManager.SyncTables")
                            .tag("status_code", status)
                            .serviceLevelObjectives(DEF_BUCKETS)
                            .register(registry));
        }
    }

    private interface Step {
        void run(TableAction a);
    }

    private static void runStep(List<TableAction> actions, AtomicLong failures, Step step) {
        RuntimeException first = null;
        int failed = 0;
        for (TableAction a : actions) {
            try {
                step.run(a);
            } catch (RuntimeException e) {
                failed++;
                LOG.warn("table {} failed: {}", a.describe(), e.toString());
                first = first == null ? e : first;
            }
        }
        failures.set(failed);
        if (first != null) {
            throw first;
        }
    }

    private AtomicLong capacityGauge(String op, String table) {
        return capacity.computeIfAbsent(
                op + "\u0000" + table,
                k -> {
                    AtomicLong v = new AtomicLong();
                    Gauge.builder(ns + "table_capacity_units", v, AtomicLong::get)
                            .description("Per-table capacity, measured in DynamoDB capacity units.")
                            .tag("op", op)
                            .tag("table", table)
                            .register(registry);
                    return v;
                });
    }

    /**
     * A loop that syncs every poll interval (after a first sync and a random pause), for {@code
     * --loop}.
     */
    public TableSyncLoop loop() {
        return new TableSyncLoop(this, cfg.pollInterval());
    }

    /** Builds a {@link TableManager}. */
    public static final class Builder {
        private final TableManagerConfig cfg;
        private final SchemaConfig schema;
        private final TableClient client;
        private Duration maxChunkAge = DEFAULT_MAX_CHUNK_AGE;
        private Clock clock = Clock.systemUTC();
        private String onlyStore;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private String namespace = "chunkstore";

        private Builder(TableManagerConfig cfg, SchemaConfig schema, TableClient client) {
            this.cfg = Objects.requireNonNull(cfg, "cfg");
            this.schema = Objects.requireNonNull(schema, "schema");
            this.client = Objects.requireNonNull(client, "client");
        }

        /**
         * The ingesters' max chunk age (12h by default): tables stay active this long after their
         * period.
         */
        public Builder maxChunkAge(Duration d) {
            this.maxChunkAge = Objects.requireNonNull(d, "maxChunkAge");
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * Manages only the tables of one store: index tables of periods whose {@code store} is
         * {@code storeName}, chunk tables of periods whose {@code object_store} is. Unset, every
         * period's tables go to the one client (Cortex's behaviour).
         */
        public Builder onlyStore(String storeName) {
            this.onlyStore = storeName;
            return this;
        }

        public Builder metrics(MeterRegistry r, String metricsNamespace) {
            this.registry = Objects.requireNonNull(r, "registry");
            this.namespace = metricsNamespace == null ? "" : metricsNamespace;
            return this;
        }

        /**
         * @throws ConfigException when the retention period is not a multiple of the newest index
         *     period
         */
        public TableManager build() {
            return new TableManager(this);
        }
    }

    @Override
    public String toString() {
        return "TableManager{" + cfg + (onlyStore == null ? "" : ", store " + onlyStore) + "}";
    }
}
