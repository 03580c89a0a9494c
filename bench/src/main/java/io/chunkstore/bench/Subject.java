package io.chunkstore.bench;

import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.util.List;

/**
 * One side of an A/B comparison: our client (in-process or through gRPC) or a raw-driver baseline
 * doing the same operations on the same physical layout. Every read hands each range value, value
 * and chunk over as a byte array, as our SPI does (what a range value parser or a chunk decoder
 * reads), so neither side skips work the other does.
 */
public interface Subject extends AutoCloseable {

    /** Short name for the report ({@code ours}, {@code raw}, {@code ours-grpc}). */
    String label();

    /** Writes one batch of index puts; returns when every entry is acknowledged. */
    void writeIndex(List<IndexEntry> batch);

    /**
     * Reads every entry of these whole-row queries, in parallel as the backend's settings allow.
     */
    Tally query(List<IndexQuery> queries);

    /**
     * Runs each query on its own ({@code inFlight} at a time, each started when one ends) and times
     * each; the tally counts queries, their entries' bytes, and every query's latency. Only our
     * client implements it (it compares the gRPC path with in-process).
     *
     * @param entries receives the number of entries read
     */
    default Tally parallelQueries(
            List<IndexQuery> queries, int inFlight, java.util.concurrent.atomic.LongAdder entries) {
        throw new UnsupportedOperationException(label() + " has no parallel one-row queries");
    }

    /** Stores the chunks; returns when every one is acknowledged. */
    void putChunks(List<EncodedChunk> chunks);

    /** Reads the chunks; the tally counts chunks and their bytes. */
    Tally getChunks(List<ChunkLocation> chunks);

    /**
     * Empties a table between timed runs (not timed). Sides that share the server's tables with
     * ours do it through our table client; a side with storage of its own (the raw local baseline)
     * does it there.
     */
    void resetTable(String table);

    /**
     * Whether this side reads the very index tables our client wrote (else the bench loads its own
     * copy).
     */
    boolean sharesOurIndex();

    @Override
    void close();
}
