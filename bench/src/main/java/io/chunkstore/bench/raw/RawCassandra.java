package io.chunkstore.bench.raw;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.internal.core.loadbalancing.DcInferringLoadBalancingPolicy;
import io.chunkstore.bench.Subject;
import io.chunkstore.bench.Tally;
import io.chunkstore.cassandra.CassandraConfig;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Cassandra's baseline: the Java driver 4.x used the way its performance guide says, with the same
 * settings as the backend's session (contact points, consistency levels, {@code num_connections},
 * {@code page_size}, timeout, no schema metadata). Prepared statements, {@code executeAsync}, at
 * most {@code write_concurrency} writes, {@code query_concurrency} queries and {@code
 * chunk_read_concurrency} chunk reads in flight, each query paged with {@code fetchNextPage()} and
 * its rows copied to byte arrays (what a caller decodes) on the driver's I/O thread. Same tables,
 * same CQL as the backend.
 */
public final class RawCassandra implements Subject {
    private final CqlSession session;
    private final String keyspace;
    private final ConsistencyLevel readConsistency;
    private final ConsistencyLevel writeConsistency;
    private final int writeConcurrency;
    private final int queryConcurrency;
    private final int chunkReadConcurrency;
    private final int pageSize;
    private final Consumer<String> resetTable;
    private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();

    /**
     * @param config the backend's bound {@code cassandra:} block
     * @param resetTable empties a table (our table client does it, so both sides see the same DDL)
     */
    public RawCassandra(CassandraConfig config, Consumer<String> resetTable) {
        if (config.ssl()) {
            throw new ConfigException(
                    "the raw Cassandra baseline does not do TLS; benchmark a cluster without SSL");
        }
        this.keyspace = config.keyspace();
        this.readConsistency =
                DefaultConsistencyLevel.valueOf(config.readConsistency().toUpperCase(Locale.ROOT));
        this.writeConsistency =
                DefaultConsistencyLevel.valueOf(config.writeConsistency().toUpperCase(Locale.ROOT));
        this.writeConcurrency = config.effectiveWriteConcurrency();
        this.queryConcurrency = config.effectiveQueryConcurrency();
        this.chunkReadConcurrency = config.effectiveChunkReadConcurrency();
        this.pageSize = config.pageSize();
        this.resetTable = resetTable;
        OptionsMap m = OptionsMap.driverDefaults();
        m.put(TypedDriverOption.SESSION_NAME, "raw-baseline");
        m.put(TypedDriverOption.CONTACT_POINTS, contactPoints(config));
        m.put(TypedDriverOption.REQUEST_TIMEOUT, config.timeout());
        m.put(TypedDriverOption.REQUEST_PAGE_SIZE, pageSize);
        m.put(TypedDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true);
        m.put(TypedDriverOption.CONNECTION_POOL_LOCAL_SIZE, config.numConnections());
        m.put(TypedDriverOption.CONNECTION_POOL_REMOTE_SIZE, config.numConnections());
        m.put(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT, config.connectTimeout());
        m.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, config.connectTimeout());
        m.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
        m.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
        if (!config.protocolVersion().isEmpty()) {
            m.put(TypedDriverOption.PROTOCOL_VERSION, config.protocolVersion());
        }
        if (config.localDatacenter().isEmpty()) {
            m.put(
                    TypedDriverOption.LOAD_BALANCING_POLICY_CLASS,
                    DcInferringLoadBalancingPolicy.class.getName());
        } else {
            m.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, config.localDatacenter());
        }
        CqlSessionBuilder b = CqlSession.builder().withConfigLoader(DriverConfigLoader.fromMap(m));
        if (config.auth()) {
            b.withAuthCredentials(config.username(), config.password());
        }
        this.session = b.build();
    }

    static List<String> contactPoints(CassandraConfig c) {
        List<String> out = new ArrayList<>();
        for (String a : c.addresses()) {
            String s = a.trim();
            if (s.startsWith("[")) {
                out.add(
                        s.contains("]:")
                                ? s.replace("[", "").replace("]", "")
                                : s.substring(1, s.length() - 1) + ":" + c.port());
            } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                out.add(s);
            } else {
                out.add(s + ":" + c.port());
            }
        }
        return out;
    }

    /** The server's {@code release_version}. */
    public String releaseVersion() {
        Row row = session.execute("SELECT release_version FROM system.local").one();
        return row == null ? "?" : row.getString(0);
    }

    @Override
    public String label() {
        return "raw";
    }

    private String qualified(String table) {
        return '"' + keyspace + "\".\"" + table.toLowerCase(Locale.ROOT) + '"';
    }

    private PreparedStatement prepare(String cql) {
        return prepared.computeIfAbsent(cql, session::prepare);
    }

    /**
     * Runs {@code count} statements with at most {@code limit} in flight; fails with the first
     * error.
     */
    private static void bounded(int count, int limit, Function<Integer, CompletionStage<?>> start) {
        Semaphore permits = new Semaphore(limit);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < count && error.get() == null; i++) {
            permits.acquireUninterruptibly();
            start.apply(i)
                    .whenComplete(
                            (r, t) -> {
                                if (t != null) {
                                    error.compareAndSet(null, t);
                                }
                                permits.release();
                            });
        }
        permits.acquireUninterruptibly(limit);
        if (error.get() != null) {
            throw new StorageException("raw Cassandra baseline: " + error.get(), error.get());
        }
    }

    @Override
    public void writeIndex(List<IndexEntry> batch) {
        bounded(
                batch.size(),
                writeConcurrency,
                i -> {
                    IndexEntry e = batch.get(i);
                    PreparedStatement ps =
                            prepare(
                                    "INSERT INTO "
                                            + qualified(e.tableName())
                                            + " (hash, range, value) VALUES (?, ?, ?)");
                    return session.executeAsync(
                            ps.bind(
                                            e.hashValue(),
                                            ByteBuffer.wrap(e.rangeValue()),
                                            ByteBuffer.wrap(e.value()))
                                    .setConsistencyLevel(writeConsistency));
                });
    }

    @Override
    public Tally query(List<IndexQuery> queries) {
        LongAdder entries = new LongAdder();
        LongAdder bytes = new LongAdder();
        bounded(
                queries.size(),
                queryConcurrency,
                i -> {
                    IndexQuery q = queries.get(i);
                    PreparedStatement ps =
                            prepare(
                                    "SELECT range, value FROM "
                                            + qualified(q.tableName())
                                            + " WHERE hash = ?");
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    session.executeAsync(
                                    ps.bind(q.hashValue())
                                            .setPageSize(pageSize)
                                            .setConsistencyLevel(readConsistency))
                            .whenComplete((rs, t) -> page(rs, t, done, entries, bytes));
                    return done;
                });
        return new Tally(entries.sum(), bytes.sum());
    }

    private static void page(
            AsyncResultSet rs,
            Throwable t,
            CompletableFuture<Void> done,
            LongAdder entries,
            LongAdder bytes) {
        if (t != null) {
            done.completeExceptionally(t);
            return;
        }
        long n = 0;
        long b = 0;
        for (Row row : rs.currentPage()) {
            byte[] range = bytes(row.getByteBuffer(0));
            byte[] value = bytes(row.getByteBuffer(1));
            n++;
            b += range.length + value.length;
        }
        entries.add(n);
        bytes.add(b);
        if (rs.hasMorePages()) {
            rs.fetchNextPage().whenComplete((next, e) -> page(next, e, done, entries, bytes));
        } else {
            done.complete(null);
        }
    }

    /** The bytes a caller can use (a chunk decoder, a range value parser take arrays). */
    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return new byte[0];
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        bounded(
                chunks.size(),
                writeConcurrency,
                i -> {
                    EncodedChunk c = chunks.get(i);
                    PreparedStatement ps =
                            prepare(
                                    "INSERT INTO "
                                            + qualified(c.tableName())
                                            + " (hash, range, value) VALUES (?, 0x00, ?)");
                    return session.executeAsync(
                            ps.bind(c.key(), ByteBuffer.wrap(c.encoded()))
                                    .setConsistencyLevel(writeConsistency));
                });
    }

    @Override
    public Tally getChunks(List<ChunkLocation> chunks) {
        LongAdder n = new LongAdder();
        LongAdder bytes = new LongAdder();
        bounded(
                chunks.size(),
                chunkReadConcurrency,
                i -> {
                    ChunkLocation c = chunks.get(i);
                    PreparedStatement ps =
                            prepare(
                                    "SELECT value FROM "
                                            + qualified(c.tableName())
                                            + " WHERE hash = ?");
                    return session.executeAsync(
                                    ps.bind(c.key()).setConsistencyLevel(readConsistency))
                            .thenAccept(
                                    rs -> {
                                        Row row = rs.one();
                                        if (row == null) {
                                            throw new StorageException(
                                                    "raw Cassandra baseline: chunk "
                                                            + c.key()
                                                            + " not found");
                                        }
                                        n.increment();
                                        bytes.add(bytes(row.getByteBuffer(0)).length);
                                    });
                });
        return new Tally(n.sum(), bytes.sum());
    }

    @Override
    public void resetTable(String table) {
        resetTable.accept(table);
        prepared.keySet().removeIf(cql -> cql.contains(qualified(table)));
    }

    @Override
    public boolean sharesOurIndex() {
        return true;
    }

    @Override
    public void close() {
        session.close();
    }
}
