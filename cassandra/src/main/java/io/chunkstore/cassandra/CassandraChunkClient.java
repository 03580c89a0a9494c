package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Cortex's Cassandra chunk client: a chunk is the row {@code (hash = external key, range = 0x00,
 * value = encoded bytes)} of the chunk table its location names. Puts and reads run in parallel
 * under a bound; a chunk that is not stored (also when its table does not exist) is a {@link
 * ChunkNotFoundException} inside the {@link ChunkFetchException}; delete removes the key's whole
 * partition.
 */
public final class CassandraChunkClient implements ChunkClient {
    /**
     * The largest encoded chunk accepted: 15 MiB. Cassandra refuses a mutation larger than half a
     * commit-log segment ({@code commitlog_segment_size} 32 MiB by default, so 16 MiB), and its
     * default {@code native_transport_max_frame_size} is 16 MiB; 15 MiB leaves room for the key and
     * the protocol overhead.
     */
    public static final long MAX_CHUNK_SIZE = 15L * 1024 * 1024;

    private final CassandraSession session;

    CassandraChunkClient(CassandraSession session) {
        this.session = session;
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        for (EncodedChunk c : chunks) {
            check(c.location());
            if (c.encoded().length > MAX_CHUNK_SIZE) {
                throw new InvalidRequestException(
                        "chunk "
                                + c.key()
                                + " is "
                                + c.encoded().length
                                + " bytes; Cassandra"
                                + " takes at most "
                                + MAX_CHUNK_SIZE
                                + " (its mutation limit is half of commitlog_segment_size,"
                                + " 16 MiB by default)");
            }
        }
        BoundedAsync.Outcomes<AsyncResultSet> o =
                BoundedAsync.run(
                        chunks.size(),
                        session.config().effectiveWriteConcurrency(),
                        false,
                        i -> put(chunks.get(i)));
        Map<String, StorageException> notWritten = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (!o.succeeded(i)) {
                EncodedChunk c = chunks.get(i);
                notWritten.putIfAbsent(
                        c.key(),
                        o.error(i) == null
                                ? new StorageException(
                                        "writing chunk " + c.key() + " was interrupted")
                                : CassandraErrors.map(
                                        o.error(i), "writing chunk " + c.key(), c.tableName()));
            }
        }
        ChunkWriteException.check("putChunks to Cassandra", chunks, notWritten);
    }

    private CompletableFuture<AsyncResultSet> put(EncodedChunk c) {
        String table = CqlIdentifiers.table(c.tableName());
        return session.run(
                Cql.insertChunk(session.qualified(table)),
                ps -> ps.bind(c.key(), ByteBuffer.wrap(c.encoded())),
                true,
                "writing chunk " + c.key() + " to table " + c.tableName(),
                c.tableName());
    }

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> chunks) {
        BoundedAsync.Outcomes<AsyncResultSet> o =
                BoundedAsync.run(
                        chunks.size(),
                        session.config().effectiveChunkReadConcurrency(),
                        false,
                        i -> get(chunks.get(i)));
        List<EncodedChunk> fetched = new ArrayList<>();
        Map<String, StorageException> failures = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            ChunkLocation l = chunks.get(i);
            if (o.succeeded(i)) {
                Row row = o.value(i).one();
                if (row == null) {
                    failures.put(l.key(), new ChunkNotFoundException(l.key()));
                } else {
                    fetched.add(
                            new EncodedChunk(
                                    l.key(),
                                    l.tableName(),
                                    CassandraIndexClient.bytes(row.getByteBuffer(0))));
                }
            } else {
                StorageException e =
                        o.error(i) == null
                                ? new StorageException("reading chunk " + l.key() + " interrupted")
                                : CassandraErrors.map(
                                        o.error(i), "reading chunk " + l.key(), l.tableName());
                failures.put(
                        l.key(),
                        e instanceof TableNotFoundException
                                ? new ChunkNotFoundException(l.key(), e)
                                : e);
            }
        }
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(fetched, failures);
        }
        return fetched;
    }

    private CompletableFuture<AsyncResultSet> get(ChunkLocation l) {
        check(l);
        String table = CqlIdentifiers.table(l.tableName());
        return session.run(
                Cql.selectChunk(session.qualified(table)),
                ps -> ps.bind(l.key()),
                false,
                "reading chunk " + l.key() + " from table " + l.tableName(),
                l.tableName());
    }

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        check(chunk);
        String table = CqlIdentifiers.table(chunk.tableName());
        CassandraSession.await(
                session.run(
                        Cql.deleteChunk(session.qualified(table)),
                        ps -> ps.bind(chunk.key()),
                        true,
                        "deleting chunk " + chunk.key() + " from table " + chunk.tableName(),
                        chunk.tableName()));
    }

    private static void check(ChunkLocation l) {
        if (l.tableName().isEmpty()) {
            throw new InvalidRequestException(
                    "chunk "
                            + l.key()
                            + " has no table: the Cassandra store keeps chunks"
                            + " in chunk tables, so the location must name one (the schema config's chunks prefix and period)");
        }
        if (l.key().isEmpty()) {
            throw new InvalidRequestException("a chunk's external key is empty");
        }
    }

    @Override
    public void close() {
        // the session belongs to the backend
    }
}
