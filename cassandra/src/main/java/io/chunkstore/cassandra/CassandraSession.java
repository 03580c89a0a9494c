package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.spi.support.DaemonThreads;
import io.chunkstore.spi.support.GoDuration;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver session shared by the index, chunk and table clients of a store, and everything around
 * a statement: prepared statements (prepared once per CQL text, which names the table, and cached),
 * consistency levels, retries of transient errors with back-off ({@code max_retries}, {@code
 * retry_min_backoff}, {@code retry_max_backoff}), the request-duration metric, error mapping, and
 * schema agreement after DDL.
 *
 * <p>Retries happen here rather than in a driver {@code RetryPolicy}: a driver policy can only
 * retry at once, on the I/O thread, and never sees "no node available" (the error of an outage);
 * here every attempt after a transient error ({@link StorageException#isRetryable()}) waits the
 * next back-off delay on a scheduler, never on an I/O thread. Every statement of this backend is
 * idempotent, so retrying is always safe.
 */
final class CassandraSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSession.class);

    private final CqlSession session;
    private final CassandraConfig config;
    private final RequestMetrics metrics;
    private final ConsistencyLevel readConsistency;
    private final ConsistencyLevel writeConsistency;
    private final Map<String, CompletableFuture<PreparedStatement>> prepared =
            new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;

    private CassandraSession(CqlSession session, CassandraConfig config, RequestMetrics metrics) {
        this.session = session;
        this.config = config;
        this.metrics = metrics;
        this.readConsistency = DefaultConsistencyLevel.valueOf(config.readConsistency());
        this.writeConsistency = DefaultConsistencyLevel.valueOf(config.writeConsistency());
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        DaemonThreads.named("chunkstore-cassandra-retry"));
        this.workers =
                Executors.newCachedThreadPool(DaemonThreads.named("chunkstore-cassandra-worker"));
    }

    /**
     * Connects, and creates the keyspace when it is missing.
     *
     * @throws UnavailableException when no node can be reached
     */
    static CassandraSession open(CassandraConfig config, RequestMetrics metrics) {
        if (!config.customAuthenticators().isEmpty()) {
            LOG.info(
                    "cassandra.custom_authenticators {} is accepted for Cortex compatibility; the Java driver's"
                            + " plain-text authentication works with any authenticator that takes a username and password",
                    config.customAuthenticators());
        }
        if (!config.convictHostsOnFailure()) {
            LOG.warn(
                    "cassandra.convict_hosts_on_failure: false has no equivalent in the Java driver, which marks"
                            + " a node down when all its connections fail and reconnects every reconnect_interval");
        }
        requireResolvable(config);
        CqlSessionBuilder b =
                CqlSession.builder()
                        .withConfigLoader(
                                DriverConfigLoader.fromMap(DriverSettings.options(config)));
        if (config.auth()) {
            b.withAuthCredentials(config.username(), config.password());
        }
        if (config.ssl()) {
            b.withSslEngineFactory(new TlsEngineFactory(config));
        }
        if (config.disableInitialHostLookup()) {
            b.withNodeDistanceEvaluator(new ContactPointsOnly(config.contactPoints()));
        }
        CqlSession s;
        try {
            s = b.build();
        } catch (RuntimeException e) {
            throw CassandraErrors.map(e, "connecting to Cassandra at " + config.addresses(), null);
        }
        CassandraSession cs = new CassandraSession(s, config, metrics);
        try {
            cs.ensureKeyspace();
        } catch (RuntimeException e) {
            cs.close();
            throw e;
        }
        return cs;
    }

    /**
     * The driver falls back to 127.0.0.1 when none of its contact points resolves; refuse instead,
     * naming the addresses.
     */
    private static void requireResolvable(CassandraConfig config) {
        for (CassandraConfig.HostAndPort hp : config.contactPoints()) {
            try {
                java.net.InetAddress.getAllByName(hp.host());
                return;
            } catch (java.net.UnknownHostException e) {
                LOG.warn("cassandra: address {} does not resolve: {}", hp.host(), e.getMessage());
            }
        }
        throw new UnavailableException(
                "none of cassandra.addresses ("
                        + String.join(",", config.addresses())
                        + ") resolves to an IP address; check the host names and DNS");
    }

    private void ensureKeyspace() {
        String ks = config.keyspace();
        AsyncResultSet rs =
                await(
                        execute(
                                SimpleStatement.newInstance(Cql.SELECT_KEYSPACE, ks),
                                Cql.SELECT_KEYSPACE,
                                "looking up keyspace " + ks,
                                null));
        if (rs.one() != null) {
            return;
        }
        String cql =
                Cql.createKeyspace(
                        ks,
                        config.replicationStrategy(),
                        config.replicationFactor(),
                        config.datacenterReplicationFactors());
        LOG.info("cassandra: keyspace {} does not exist; creating it: {}", ks, cql);
        ddl(cql, "creating keyspace " + ks);
    }

    CassandraConfig config() {
        return config;
    }

    /**
     * The table's name in CQL text: keyspace-qualified, quoted; {@code table} must be validated and
     * folded.
     */
    String qualified(String table) {
        return Cql.qualified(config.keyspace(), table);
    }

    ExecutorService workers() {
        return workers;
    }

    /**
     * Prepares {@code cql} (once; later calls reuse the statement), binds it and runs it with
     * retries.
     *
     * @param bind turns the prepared statement into the statement to run
     * @param write whether it writes (write consistency) or reads (read consistency)
     * @param what what is being done, for error messages
     * @param table the table, to name in a {@link io.chunkstore.spi.TableNotFoundException}
     */
    CompletableFuture<AsyncResultSet> run(
            String cql,
            Function<PreparedStatement, BoundStatement> bind,
            boolean write,
            String what,
            String table) {
        ConsistencyLevel cl = write ? writeConsistency : readConsistency;
        return withRetries(
                () ->
                        prepare(cql)
                                .thenCompose(
                                        ps ->
                                                timed(
                                                        cql,
                                                        session.executeAsync(
                                                                bind.apply(ps)
                                                                        .setConsistencyLevel(cl)
                                                                        .setIdempotent(true)))),
                what,
                table);
    }

    /** Runs an unprepared statement (DDL, schema lookups) with retries. */
    CompletableFuture<AsyncResultSet> execute(
            SimpleStatement statement, String cql, String what, String table) {
        Statement<?> st = statement.setIdempotent(true);
        return withRetries(() -> timed(cql, session.executeAsync(st)), what, table);
    }

    /** Runs a schema change and waits until every node agrees on the schema. */
    void ddl(String cql, String what) {
        SimpleStatement st =
                SimpleStatement.newInstance(cql)
                        .setTimeout(DriverSettings.schemaTimeout(config))
                        .setConsistencyLevel(writeConsistency);
        AsyncResultSet rs = await(execute(st, cql, what, null));
        if (!rs.getExecutionInfo().isSchemaInAgreement()) {
            awaitSchemaAgreement(what);
        }
    }

    private void awaitSchemaAgreement(String what) {
        long deadline = System.nanoTime() + DriverSettings.schemaTimeout(config).toNanos();
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(await(session.checkSchemaAgreementAsync()))) {
                return;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new UnavailableException(
                what
                        + ": the Cassandra nodes did not agree on the schema within "
                        + GoDuration.format(DriverSettings.schemaTimeout(config))
                        + "; the change is applied where it"
                        + " reached, retry once the cluster is healthy");
    }

    private CompletableFuture<PreparedStatement> prepare(String cql) {
        CompletableFuture<PreparedStatement> f = prepared.get(cql);
        if (f != null && !f.isCompletedExceptionally()) {
            return f;
        }
        CompletableFuture<PreparedStatement> mine = new CompletableFuture<>();
        CompletableFuture<PreparedStatement> existing = prepared.putIfAbsent(cql, mine);
        if (existing != null) {
            if (!existing.isCompletedExceptionally()) {
                return existing;
            }
            prepared.replace(cql, existing, mine);
        }
        session.prepareAsync(SimpleStatement.newInstance(cql).setIdempotent(true))
                .whenComplete(
                        (ps, err) -> {
                            if (err != null) {
                                prepared.remove(
                                        cql, mine); // a missing table may be created later: prepare
                                // again next time
                                mine.completeExceptionally(err);
                            } else {
                                mine.complete(ps);
                            }
                        });
        return mine;
    }

    /** Forgets the prepared statements of a table (after it is dropped). */
    void forgetTable(String table) {
        String q = qualified(table);
        prepared.keySet().removeIf(cql -> cql.contains(q));
    }

    private <T> CompletionStage<T> timed(String cql, CompletionStage<T> execution) {
        long start = System.nanoTime();
        return execution.whenComplete(
                (r, e) -> metrics.record(cql, System.nanoTime() - start, e == null));
    }

    private <T> CompletableFuture<T> withRetries(
            Supplier<CompletionStage<T>> attempt, String what, String table) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Backoff backoff =
                config.maxRetries() > 0
                        ? new Backoff(
                                new Backoff.Config(
                                        config.retryMinBackoff(),
                                        config.retryMaxBackoff(),
                                        config.maxRetries()))
                        : null;
        tryOnce(attempt, backoff, result, what, table);
        return result;
    }

    private <T> void tryOnce(
            Supplier<CompletionStage<T>> attempt,
            Backoff backoff,
            CompletableFuture<T> result,
            String what,
            String table) {
        CompletionStage<T> stage;
        try {
            stage = attempt.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete(
                (v, err) -> {
                    if (err == null) {
                        result.complete(v);
                        return;
                    }
                    StorageException mapped = CassandraErrors.map(err, what, table);
                    if (backoff != null
                            && mapped.isRetryable()
                            && backoff.ongoing()
                            && !scheduler.isShutdown()) {
                        Duration d = backoff.nextDelay();
                        LOG.debug(
                                "cassandra: {}; retry {} of {} in {}",
                                mapped.getMessage(),
                                backoff.retries(),
                                config.maxRetries(),
                                d);
                        try {
                            scheduler.schedule(
                                    () -> tryOnce(attempt, backoff, result, what, table),
                                    d.toNanos(),
                                    TimeUnit.NANOSECONDS);
                            return;
                        } catch (java.util.concurrent.RejectedExecutionException closed) {
                            // closing: fall through and fail
                        }
                    }
                    result.completeExceptionally(mapped);
                });
    }

    /** Waits for a statement; errors come out as the SPI's typed errors. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for Cassandra", e);
        } catch (ExecutionException e) {
            throw CassandraErrors.map(e.getCause(), "Cassandra request", null);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "interrupted while waiting for Cassandra schema agreement", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
        session.close();
    }
}
