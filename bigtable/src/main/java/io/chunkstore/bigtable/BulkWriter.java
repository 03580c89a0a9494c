package io.chunkstore.bigtable;

import com.google.api.core.ApiFuture;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.MutateRowsException;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import io.chunkstore.spi.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes cells of one table with MutateRows ({@code bulkMutateRows}), split into calls that stay
 * well inside Bigtable's limits (100,000 mutations per request): at most {@link
 * #MAX_MUTATIONS_PER_CALL} mutations and about {@link #MAX_BYTES_PER_CALL} bytes per call, a row
 * larger than that going alone (a row with more mutations is split over several entries). Calls run
 * concurrently, up to {@link #MAX_CALLS_IN_FLIGHT}. Every row entry that fails, alone or with its
 * whole call, is reported with the items it carried, so nothing is lost silently.
 *
 * <p>Each cell is set or deleted at most once per write (the caller keeps the last of duplicates),
 * so the order of the calls does not matter.
 *
 * @param <T> what a cell write stands for (an index entry, a chunk)
 */
final class BulkWriter<T> {
    static final int MAX_MUTATIONS_PER_CALL = 10_000;
    static final long MAX_BYTES_PER_CALL = 16L << 20;
    static final int MAX_CALLS_IN_FLIGHT = 8;

    /** Rough protobuf overhead of one mutation, bytes. */
    private static final int MUTATION_OVERHEAD = 16;

    /** The items of the row entries that failed, with the error of each. */
    record Failure<T>(List<T> items, Throwable error) {}

    private static final class RowWrite<T> {
        final RowMutationEntry entry;
        final List<T> items = new ArrayList<>();
        int mutations;
        long bytes;

        RowWrite(ByteString key) {
            this.entry = RowMutationEntry.create(key);
            this.bytes = key.size();
        }
    }

    private final BigtableDataClient data;
    private final String table;
    private final Map<ByteString, RowWrite<T>> open = new LinkedHashMap<>();
    private final List<RowWrite<T>> rows = new ArrayList<>();

    BulkWriter(BigtableDataClient data, String table) {
        this.data = data;
        this.table = table;
    }

    /** Sets a cell of family {@code f} at timestamp 0. */
    BulkWriter<T> set(ByteString rowKey, ByteString qualifier, ByteString value, T item) {
        RowWrite<T> r = row(rowKey);
        r.entry.setCell(IndexLayout.FAMILY, qualifier, IndexLayout.TIMESTAMP, value);
        add(r, item, qualifier.size() + value.size());
        return this;
    }

    /** Deletes every version of a cell of family {@code f}. */
    BulkWriter<T> delete(ByteString rowKey, ByteString qualifier, T item) {
        RowWrite<T> r = row(rowKey);
        r.entry.deleteCells(IndexLayout.FAMILY, qualifier);
        add(r, item, qualifier.size());
        return this;
    }

    private RowWrite<T> row(ByteString key) {
        RowWrite<T> r = open.get(key);
        if (r == null || r.mutations >= MAX_MUTATIONS_PER_CALL) {
            r = new RowWrite<>(key);
            open.put(key, r);
            rows.add(r);
        }
        return r;
    }

    private static <T> void add(RowWrite<T> r, T item, long bytes) {
        r.items.add(item);
        r.mutations++;
        r.bytes += bytes + MUTATION_OVERHEAD;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The row entries grouped into calls (for tests). */
    List<List<Integer>> plan() {
        return calls().stream().map(c -> c.stream().map(r -> r.mutations).toList()).toList();
    }

    private List<List<RowWrite<T>>> calls() {
        List<List<RowWrite<T>>> calls = new ArrayList<>();
        List<RowWrite<T>> call = new ArrayList<>();
        int mutations = 0;
        long bytes = 0;
        for (RowWrite<T> r : rows) {
            if (!call.isEmpty()
                    && (mutations + r.mutations > MAX_MUTATIONS_PER_CALL
                            || bytes + r.bytes > MAX_BYTES_PER_CALL)) {
                calls.add(call);
                call = new ArrayList<>();
                mutations = 0;
                bytes = 0;
            }
            call.add(r);
            mutations += r.mutations;
            bytes += r.bytes;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    /**
     * Sends everything and waits.
     *
     * @return the failures, empty when every cell was written
     */
    List<Failure<T>> write() {
        List<List<RowWrite<T>>> calls = calls();
        List<Failure<T>> failures = new ArrayList<>();
        for (int from = 0; from < calls.size(); from += MAX_CALLS_IN_FLIGHT) {
            List<List<RowWrite<T>>> window =
                    calls.subList(from, Math.min(calls.size(), from + MAX_CALLS_IN_FLIGHT));
            List<ApiFuture<Void>> futures = new ArrayList<>();
            for (List<RowWrite<T>> call : window) {
                BulkMutation bulk = BulkMutation.create(TableId.of(table));
                call.forEach(r -> bulk.add(r.entry));
                futures.add(data.bulkMutateRowsAsync(bulk));
            }
            for (int i = 0; i < window.size(); i++) {
                collect(window.get(i), futures.get(i), failures);
            }
        }
        return failures;
    }

    private void collect(
            List<RowWrite<T>> call, ApiFuture<Void> future, List<Failure<T>> failures) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(
                    new Failure<>(
                            items(call),
                            new StorageException(
                                    "interrupted while writing to Bigtable table " + table, e)));
        } catch (ExecutionException e) {
            Throwable cause = BigtableErrors.unwrap(e);
            if (cause instanceof MutateRowsException m && !m.getFailedMutations().isEmpty()) {
                for (MutateRowsException.FailedMutation f : m.getFailedMutations()) {
                    int index = f.getIndex();
                    if (index >= 0 && index < call.size()) {
                        failures.add(
                                new Failure<>(List.copyOf(call.get(index).items), f.getError()));
                    } else {
                        // An index we cannot place: report the whole call rather than guess.
                        failures.add(new Failure<>(items(call), f.getError()));
                        return;
                    }
                }
            } else {
                failures.add(new Failure<>(items(call), cause));
            }
        }
    }

    private static <T> List<T> items(List<RowWrite<T>> call) {
        List<T> out = new ArrayList<>();
        call.forEach(r -> out.addAll(r.items));
        return out;
    }
}
