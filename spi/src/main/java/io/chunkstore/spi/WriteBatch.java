package io.chunkstore.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Index puts and deletes to apply together. There is no atomicity; every backend applies all puts
 * before any delete, as Cortex does. Not thread-safe: build it on one thread, then hand it to
 * {@link IndexClient#batchWrite}.
 */
public class WriteBatch {
    private final List<IndexEntry> puts = new ArrayList<>();
    private final List<IndexEntry> deletes = new ArrayList<>();

    /** Upsert of one cell; {@code value} may be null (stored as empty). */
    public WriteBatch add(String tableName, String hashValue, byte[] rangeValue, byte[] value) {
        return add(new IndexEntry(tableName, hashValue, requireRange(rangeValue), value));
    }

    public WriteBatch add(IndexEntry entry) {
        requireRange(entry.rangeValue());
        puts.add(entry);
        return this;
    }

    /** Delete of one cell; deleting a cell that does not exist is a no-op. */
    public WriteBatch delete(String tableName, String hashValue, byte[] rangeValue) {
        deletes.add(new IndexEntry(tableName, hashValue, requireRange(rangeValue), null));
        return this;
    }

    public List<IndexEntry> puts() {
        return Collections.unmodifiableList(puts);
    }

    public List<IndexEntry> deletes() {
        return Collections.unmodifiableList(deletes);
    }

    public int size() {
        return puts.size() + deletes.size();
    }

    public boolean isEmpty() {
        return puts.isEmpty() && deletes.isEmpty();
    }

    private static byte[] requireRange(byte[] rangeValue) {
        if (rangeValue == null || rangeValue.length == 0) {
            throw new InvalidRequestException("an index write needs a non-empty range value");
        }
        return rangeValue;
    }
}
