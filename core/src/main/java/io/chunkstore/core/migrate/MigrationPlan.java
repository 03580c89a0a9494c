package io.chunkstore.core.migrate;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.model.TenantIds;
import io.chunkstore.core.store.QueryMatchers;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.support.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a migration copies and how: the time range {@code [from, to)} (ms), the tenants (source to
 * destination name), the series selectors, the shard length, the worker and batch sizes,
 * verification, dry run, and the identities of the source and destination a checkpoint is tied to.
 * Built and validated by {@link #builder}.
 *
 * <p><b>Which series.</b> The index of a chunk store is keyed by tenant, bucket and metric name
 * (v1-v6: {@code user:bucket:metric}; v9+: {@code [shard:]user:bucket:metric} for the label rows),
 * and the backends offer no table scan, so the series of a tenant can only be enumerated one metric
 * name at a time, exactly as Cortex's queries (and Loki's {@code cmd/migrate}, through {@code
 * GetChunkRefs}) do. Every selector therefore needs a metric name: {@code __name__="name"} (or a
 * leading {@code name{...}}), or {@code __name__=~"a|b|c"} with literal alternatives, which becomes
 * one lookup per name. A Loki store names every stream {@code __name__="logs"}, so with {@link
 * Builder#impliedMetricName} {@code "logs"} a selector without a metric name selects streams, and
 * no selector at all selects every stream of the tenant. The other matchers select series within
 * the metric through the index, and every matcher (also those that match the empty string) is
 * applied to each fetched chunk's labels.
 *
 * @param from first millisecond of the range (inclusive)
 * @param to end of the range (exclusive)
 * @param tenants source tenant to destination tenant, in run order
 * @param selectors the selectors as given (text), for messages and the checkpoint identity
 * @param lookups one index lookup per metric name of each selector: {@code __name__="..."} first
 * @param filters the full matchers of each selector, applied to fetched chunks (a chunk passes when
 *     it matches one selector)
 * @param shardBy length of a time shard
 * @param parallel shards migrated at once
 * @param batchSize chunks fetched and written per batch
 * @param verify read back every written chunk and find it through the destination index
 * @param dryRun list what would be copied; write nothing (not even the checkpoint)
 * @param maxShards stop after this many shards finished in this run (0: no limit)
 * @param retry back-off of retried source and destination calls (retryable errors only)
 * @param sourceId identity of the source (e.g. config path and digest) recorded in the checkpoint
 * @param destinationId identity of the destination, likewise
 */
public record MigrationPlan(
        long from,
        long to,
        Map<String, String> tenants,
        List<String> selectors,
        List<List<LabelMatcher>> lookups,
        List<List<LabelMatcher>> filters,
        Duration shardBy,
        int parallel,
        int batchSize,
        boolean verify,
        boolean dryRun,
        int maxShards,
        Backoff.Config retry,
        String sourceId,
        String destinationId) {

    /** Loki's default shard length ({@code -shardBy 6h}). */
    public static final Duration DEFAULT_SHARD_BY = Duration.ofHours(6);

    /** Loki's default worker count ({@code -parallel 8}). */
    public static final int DEFAULT_PARALLEL = 8;

    /** Loki's default batch ({@code -batchLen 500}). */
    public static final int DEFAULT_BATCH = 500;

    /** Retries of retryable errors: 100 ms doubling to 10 s, 8 retries (about a minute in all). */
    public static final Backoff.Config DEFAULT_RETRY =
            new Backoff.Config(Duration.ofMillis(100), Duration.ofSeconds(10), 8);

    /** The metric name every Loki stream is stored under. */
    public static final String LOKI_METRIC_NAME = "logs";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public MigrationPlan {
        tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
        selectors = List.copyOf(selectors);
        lookups = lookups.stream().map(List::copyOf).toList();
        filters = filters.stream().map(List::copyOf).toList();
    }

    /** A builder for the range {@code [from, to)} in ms. */
    public static Builder builder(long from, long to) {
        return new Builder(from, to);
    }

    /** The parameters a checkpoint is tied to. */
    public RunIdentity identity() {
        return new RunIdentity(
                sourceId, destinationId, from, to, tenants, selectors, shardBy.toMillis());
    }

    /**
     * The time shards of one tenant, in order: {@code [from + i*shardBy, min(from + (i+1)*shardBy,
     * to))}.
     */
    public List<Shard> shards(String sourceTenant) {
        String dest = tenants.get(sourceTenant);
        if (dest == null) {
            throw new IllegalArgumentException(
                    "tenant " + sourceTenant + " is not part of this plan");
        }
        List<Shard> out = new ArrayList<>();
        long step = shardBy.toMillis();
        int i = 0;
        for (long s = from; s < to; s = s + step > s ? s + step : Long.MAX_VALUE, i++) {
            long end = to - s > step ? s + step : to;
            out.add(new Shard(sourceTenant, dest, i, s, end));
        }
        return out;
    }

    /** Every shard of the plan, time first, then tenants in the order given. */
    public List<Shard> allShards() {
        List<List<Shard>> perTenant = new ArrayList<>();
        tenants.keySet().forEach(t -> perTenant.add(shards(t)));
        List<Shard> out = new ArrayList<>();
        int n = perTenant.isEmpty() ? 0 : perTenant.get(0).size();
        for (int i = 0; i < n; i++) {
            for (List<Shard> l : perTenant) {
                out.add(l.get(i));
            }
        }
        return out;
    }

    /** Whether a fetched chunk's labels pass the selectors (all matchers of at least one). */
    public boolean selects(Labels labels) {
        for (List<LabelMatcher> f : filters) {
            if (QueryMatchers.matchesAll(labels, f)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The parameters a checkpoint belongs to. Parallelism, batch size, verification and retries may
     * change between runs; these may not.
     *
     * @param source {@link MigrationPlan#sourceId}
     * @param destination {@link MigrationPlan#destinationId}
     * @param from range start, ms
     * @param to range end (exclusive), ms
     * @param tenants source to destination tenant
     * @param selectors the selectors as given
     * @param shardByMs shard length, ms
     */
    public record RunIdentity(
            String source,
            String destination,
            long from,
            long to,
            Map<String, String> tenants,
            List<String> selectors,
            long shardByMs) {
        public RunIdentity {
            source = source == null ? "" : source;
            destination = destination == null ? "" : destination;
            tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
            selectors = List.copyOf(selectors);
        }

        /**
         * What differs from {@code other}, one phrase per parameter ({@code --to:
         * 2024-01-02T00:00:00Z vs ...}).
         */
        public List<String> differences(RunIdentity other) {
            List<String> d = new ArrayList<>();
            if (!source.equals(other.source)) {
                d.add("source: " + source + " vs " + other.source);
            }
            if (!destination.equals(other.destination)) {
                d.add("destination: " + destination + " vs " + other.destination);
            }
            if (from != other.from) {
                d.add(
                        "--from: "
                                + Instant.ofEpochMilli(from)
                                + " vs "
                                + Instant.ofEpochMilli(other.from));
            }
            if (to != other.to) {
                d.add(
                        "--to: "
                                + Instant.ofEpochMilli(to)
                                + " vs "
                                + Instant.ofEpochMilli(other.to));
            }
            if (!tenants.equals(other.tenants)) {
                d.add("--tenant: " + tenants + " vs " + other.tenants);
            }
            if (!selectors.equals(other.selectors)) {
                d.add("--match: " + selectors + " vs " + other.selectors);
            }
            if (shardByMs != other.shardByMs) {
                d.add(
                        "--shard-by: "
                                + Duration.ofMillis(shardByMs)
                                + " vs "
                                + Duration.ofMillis(other.shardByMs));
            }
            return d;
        }
    }

    /** Builds and validates a {@link MigrationPlan}. */
    public static final class Builder {
        private final long from;
        private final long to;
        private final Map<String, String> tenants = new LinkedHashMap<>();
        private final List<String> selectors = new ArrayList<>();
        private String impliedMetricName;
        private Duration shardBy = DEFAULT_SHARD_BY;
        private int parallel = DEFAULT_PARALLEL;
        private int batchSize = DEFAULT_BATCH;
        private boolean verify;
        private boolean dryRun;
        private int maxShards;
        private Backoff.Config retry = DEFAULT_RETRY;
        private String sourceId = "";
        private String destinationId = "";

        private Builder(long from, long to) {
            this.from = from;
            this.to = to;
        }

        /**
         * Migrates tenant {@code source} into tenant {@code destination} (the same name keeps it).
         */
        public Builder tenant(String source, String destination) {
            // A source tenant only has to name data that exists (an old store may hold tenants
            // today's rules refuse,
            // and renaming them is how they move on); what is written must be a tenant Cortex and
            // Loki accept.
            checkTenant(source);
            TenantIds.validate(destination);
            if (tenants.containsKey(source)) {
                throw new InvalidRequestException("tenant " + source + " is given twice");
            }
            tenants.put(source, destination);
            return this;
        }

        private static void checkTenant(String t) {
            if (t == null || t.isEmpty()) {
                throw new InvalidRequestException("a tenant name cannot be empty");
            }
            if (t.indexOf('/') >= 0) {
                throw new InvalidRequestException(
                        "tenant \"" + t + "\" contains '/', which no external key can hold");
            }
        }

        /** Adds a series selector ({@code {__name__="m", job="x"}} or {@code m{job="x"}}). */
        public Builder match(String selector) {
            selectors.add(Objects.requireNonNull(selector, "selector"));
            return this;
        }

        /**
         * The metric name a selector without one gets, and the selector used when none is given:
         * {@code "logs"} for a Loki store ({@link #LOKI_METRIC_NAME}); null (the default) requires
         * a metric name in every selector.
         */
        public Builder impliedMetricName(String name) {
            this.impliedMetricName = name;
            return this;
        }

        public Builder shardBy(Duration d) {
            this.shardBy = Objects.requireNonNull(d, "shardBy");
            return this;
        }

        public Builder parallel(int n) {
            this.parallel = n;
            return this;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public Builder verify(boolean v) {
            this.verify = v;
            return this;
        }

        public Builder dryRun(boolean v) {
            this.dryRun = v;
            return this;
        }

        /** Stop (resumably) after this many shards finished in this run; 0 for no limit. */
        public Builder maxShards(int n) {
            this.maxShards = n;
            return this;
        }

        public Builder retry(Backoff.Config c) {
            this.retry = Objects.requireNonNull(c, "retry");
            return this;
        }

        /**
         * The identities of source and destination recorded in (and checked against) the
         * checkpoint.
         */
        public Builder identities(String source, String destination) {
            this.sourceId = Objects.requireNonNull(source, "source");
            this.destinationId = Objects.requireNonNull(destination, "destination");
            return this;
        }

        /**
         * @throws InvalidRequestException for an empty range, no tenants, non-positive sizes, a
         *     selector that does not parse, or one without a usable metric name
         */
        public MigrationPlan build() {
            if (to <= from) {
                throw new InvalidRequestException(
                        "the range is empty: --to "
                                + Instant.ofEpochMilli(to)
                                + " is not after --from "
                                + Instant.ofEpochMilli(from));
            }
            if (tenants.isEmpty()) {
                throw new InvalidRequestException(
                        "no tenant given: the index cannot list tenants, name each one"
                                + " (--tenant SRC or --tenant SRC=DST)");
            }
            if (shardBy.isNegative() || shardBy.toMillis() <= 0) {
                throw new InvalidRequestException("--shard-by must be positive, not " + shardBy);
            }
            if (parallel < 1) {
                throw new InvalidRequestException("--parallel must be at least 1, not " + parallel);
            }
            if (batchSize < 1) {
                throw new InvalidRequestException("--batch must be at least 1, not " + batchSize);
            }
            if (maxShards < 0) {
                throw new InvalidRequestException(
                        "--max-shards must be 0 (no limit) or more, not " + maxShards);
            }
            List<String> texts = new ArrayList<>(selectors);
            if (texts.isEmpty()) {
                if (impliedMetricName == null) {
                    throw new InvalidRequestException(
                            "no --match given: the series of a Cortex store can only be"
                                    + " listed per metric name (the index has no row listing a tenant's metrics), so give"
                                    + " --match '{__name__=\"metric\"}' or '{__name__=~\"m1|m2|m3\"}' (repeatable)");
                }
                texts.add("{" + Labels.METRIC_NAME + "=\"" + impliedMetricName + "\"}");
            }
            List<List<LabelMatcher>> lookups = new ArrayList<>();
            List<List<LabelMatcher>> filters = new ArrayList<>();
            Set<List<LabelMatcher>> seen = new LinkedHashSet<>();
            for (String text : texts) {
                List<LabelMatcher> ms;
                try {
                    ms = new ArrayList<>(Selectors.parseMatchers(text));
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException("--match " + text + ": " + e.getMessage(), e);
                }
                List<LabelMatcher> names =
                        ms.stream().filter(m -> m.name().equals(Labels.METRIC_NAME)).toList();
                List<LabelMatcher> others =
                        ms.stream().filter(m -> !m.name().equals(Labels.METRIC_NAME)).toList();
                List<String> metricNames;
                if (names.isEmpty()) {
                    if (impliedMetricName == null) {
                        throw new InvalidRequestException(
                                "--match "
                                        + text
                                        + " has no metric name: the index lists"
                                        + " series per metric name, so add __name__=\"metric\" or __name__=~\"m1|m2\"");
                    }
                    metricNames = List.of(impliedMetricName);
                    ms.add(0, LabelMatcher.equal(Labels.METRIC_NAME, impliedMetricName));
                } else if (names.size() > 1) {
                    throw new InvalidRequestException(
                            "--match "
                                    + text
                                    + " has "
                                    + names.size()
                                    + " __name__ matchers; give one");
                } else {
                    metricNames = metricNames(names.get(0), text);
                }
                filters.add(List.copyOf(ms));
                for (String name : metricNames) {
                    List<LabelMatcher> lookup = new ArrayList<>();
                    lookup.add(LabelMatcher.equal(Labels.METRIC_NAME, name));
                    lookup.addAll(others);
                    if (seen.add(lookup)) {
                        lookups.add(lookup);
                    }
                }
            }
            return new MigrationPlan(
                    from,
                    to,
                    tenants,
                    selectors,
                    lookups,
                    filters,
                    shardBy,
                    parallel,
                    batchSize,
                    verify,
                    dryRun,
                    maxShards,
                    retry,
                    sourceId,
                    destinationId);
        }

        /**
         * The metric names a {@code __name__} matcher stands for: one for {@code =}, the literals
         * of {@code =~}.
         */
        private static List<String> metricNames(LabelMatcher m, String text) {
            switch (m.type()) {
                case EQUAL -> {
                    if (m.value().isEmpty()) {
                        throw new InvalidRequestException(
                                "--match " + text + ": __name__=\"\" selects no metric");
                    }
                    return List.of(m.value());
                }
                case REGEX -> {
                    List<String> out = new ArrayList<>();
                    for (String alt : m.value().split("\\|", -1)) {
                        if (!METRIC_NAME.matcher(alt).matches()) {
                            throw new InvalidRequestException(
                                    "--match "
                                            + text
                                            + ": __name__=~ must be literal metric"
                                            + " names joined by | (\""
                                            + alt
                                            + "\" is not a metric name): the index cannot"
                                            + " list metric names, so a pattern cannot be expanded");
                        }
                        if (!out.contains(alt)) {
                            out.add(alt);
                        }
                    }
                    return out;
                }
                default ->
                        throw new InvalidRequestException(
                                "--match "
                                        + text
                                        + ": "
                                        + m
                                        + " cannot select metrics"
                                        + " from the index (it has no list of metric names); use __name__=\"m\" or"
                                        + " __name__=~\"m1|m2\"");
            }
        }
    }
}
