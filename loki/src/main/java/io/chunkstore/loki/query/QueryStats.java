package io.chunkstore.loki.query;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one query, for Loki's {@code stats} block and the cli. Thread-safe (fetches run in
 * parallel).
 */
public final class QueryStats {
    final AtomicLong chunksRef = new AtomicLong();
    final AtomicLong chunksDownloaded = new AtomicLong();
    final AtomicLong downloadNanos = new AtomicLong();
    final AtomicLong compressedBytes = new AtomicLong();
    final AtomicLong linesScanned = new AtomicLong();
    final AtomicLong bytesScanned = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong entriesReturned = new AtomicLong();
    final AtomicLong execNanos = new AtomicLong();

    /** Chunk references the index returned within the time range. */
    public long chunksRef() {
        return chunksRef.get();
    }

    /** Chunks fetched from the store. */
    public long chunksDownloaded() {
        return chunksDownloaded.get();
    }

    /** Time spent waiting for fetches, ns. */
    public long downloadNanos() {
        return downloadNanos.get();
    }

    /** Stored bytes of the MemChunks fetched. */
    public long compressedBytes() {
        return compressedBytes.get();
    }

    /** Entries decoded in the query window, before line filters. */
    public long linesScanned() {
        return linesScanned.get();
    }

    /** Line bytes decoded in the query window, before line filters. */
    public long bytesScanned() {
        return bytesScanned.get();
    }

    /** Entries dropped as duplicates of another replica's (or the same chunk's) entry. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Entries in the result. */
    public long entriesReturned() {
        return entriesReturned.get();
    }

    /** Wall time of the query, ns. */
    public long execNanos() {
        return execNanos.get();
    }

    @Override
    public String toString() {
        return "QueryStats{chunksRef="
                + chunksRef
                + ", downloaded="
                + chunksDownloaded
                + ", compressedBytes="
                + compressedBytes
                + ", linesScanned="
                + linesScanned
                + ", bytesScanned="
                + bytesScanned
                + ", duplicates="
                + duplicates
                + ", returned="
                + entriesReturned
                + "}";
    }
}
