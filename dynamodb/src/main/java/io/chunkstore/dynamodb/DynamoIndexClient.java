package io.chunkstore.dynamodb;

import io.chunkstore.spi.AsyncPageConsumer;
import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.AsyncQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The index on DynamoDB: one item per cell ({@code h}, {@code r}, {@code c}), written with
 * BatchWriteItem through {@link BatchWriter}, read with Query one page (up to 1 MB) at a time.
 * While the consumer handles a page, the next one is already being fetched; when it returns false
 * the fetch is cancelled and pagination ends. Pages are delivered on the calling thread or a worker
 * of the backend, never on an SDK thread.
 */
final class DynamoIndexClient implements IndexClient {
    private final DynamoDbAsyncClient client;
    private final Calls calls;
    private final BatchWriter writer;
    private final int queryParallelism;
    private final boolean consistentReads;
    private final int pageLimit;

    DynamoIndexClient(
            DynamoDbAsyncClient client,
            Calls calls,
            BatchWriter writer,
            int queryParallelism,
            boolean consistentReads,
            int pageLimit) {
        this.client = client;
        this.calls = calls;
        this.writer = writer;
        this.queryParallelism = queryParallelism;
        this.consistentReads = consistentReads;
        this.pageLimit = pageLimit;
    }

    @Override
    public void batchWrite(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<WriteOp> ops = new ArrayList<>(batch.size());
        try {
            for (IndexEntry e : batch.puts()) {
                TableNames.check(e.tableName());
                ops.add(
                        WriteOp.put(
                                e.tableName(),
                                e.hashValue(),
                                e.rangeValue(),
                                Layout.indexItem(e),
                                new Origin(e, false),
                                e.cellKey(),
                                0));
            }
            for (IndexEntry e : batch.deletes()) {
                TableNames.check(e.tableName());
                ops.add(
                        WriteOp.delete(
                                e.tableName(),
                                e.hashValue(),
                                e.rangeValue(),
                                new Origin(e, true),
                                e.cellKey(),
                                0));
            }
        } catch (InvalidRequestException e) {
            throw new IndexWriteException(
                    "DynamoDB batch write not started: " + e.getMessage(),
                    batch.puts(),
                    batch.deletes(),
                    e);
        }
        Map<WriteOp, StorageException> failed = writer.write(ops);
        if (failed.isEmpty()) {
            return;
        }
        List<IndexEntry> puts = new ArrayList<>();
        List<IndexEntry> deletes = new ArrayList<>();
        for (WriteOp op : failed.keySet()) {
            Origin o = (Origin) op.origin();
            (o.delete() ? deletes : puts).add(o.entry());
        }
        StorageException first = failed.values().iterator().next();
        throw new IndexWriteException(
                "DynamoDB batch write of "
                        + ops.size()
                        + " operation(s) left "
                        + failed.size()
                        + " not written; first error: "
                        + first.getMessage(),
                puts,
                deletes,
                first);
    }

    private record Origin(IndexEntry entry, boolean delete) {}

    /**
     * Up to {@code query_parallelism} queries at a time on the asynchronous client: each Query
     * response is delivered, and the next page's request is sent only once the consumer's stage
     * completed with "more". No thread waits for a query.
     */
    @Override
    public CompletionStage<Void> queryPagesAsync(
            List<IndexQuery> queries, AsyncPageConsumer consumer) {
        return AsyncQueries.run(queries, queryParallelism, q -> query(q, consumer));
    }

    private CompletableFuture<Void> query(IndexQuery q, AsyncPageConsumer consumer) {
        TableNames.check(q.tableName());
        QueryRequest first = Requests.query(q, consistentReads, pageLimit);
        CompletableFuture<Void> done = new CompletableFuture<>();
        int[] pages = {0};
        done.whenComplete((v, e) -> calls.metrics().queryPages(pages[0]));
        page(q, first, first, consumer, done, pages);
        return done;
    }

    private void page(
            IndexQuery q,
            QueryRequest first,
            QueryRequest current,
            AsyncPageConsumer consumer,
            CompletableFuture<Void> done,
            int[] pages) {
        calls.callAsync(DynamoMetrics.QUERY_PAGES, q.tableName(), () -> client.query(current))
                .whenComplete(
                        (resp, error) -> {
                            if (error != null) {
                                Throwable e = AsyncQueries.unwrap(error);
                                done.completeExceptionally(
                                        e instanceof InvalidRequestException r
                                                ? new InvalidQueryException(
                                                        "DynamoDB rejected "
                                                                + q
                                                                + ": "
                                                                + r.getMessage(),
                                                        r)
                                                : e);
                                return;
                            }
                            pages[0]++;
                            calls.metrics()
                                    .consumed(DynamoMetrics.QUERY_PAGES, resp.consumedCapacity());
                            Map<String, AttributeValue> lastKey =
                                    resp.hasLastEvaluatedKey() ? resp.lastEvaluatedKey() : Map.of();
                            QueryRequest next =
                                    lastKey.isEmpty()
                                            ? null
                                            : first.toBuilder().exclusiveStartKey(lastKey).build();
                            if (!resp.hasItems() || resp.items().isEmpty()) {
                                if (next == null) {
                                    done.complete(null);
                                } else {
                                    page(q, first, next, consumer, done, pages);
                                }
                                return;
                            }
                            AsyncQueries.deliver(consumer, q, page(resp.items()))
                                    .whenComplete(
                                            (more, consumerError) -> {
                                                if (consumerError != null) {
                                                    done.completeExceptionally(
                                                            AsyncQueries.unwrap(consumerError));
                                                } else if (Boolean.TRUE.equals(more)
                                                        && next != null) {
                                                    page(q, first, next, consumer, done, pages);
                                                } else {
                                                    done.complete(null);
                                                }
                                            });
                        });
    }

    private static ReadBatch page(List<Map<String, AttributeValue>> items) {
        ReadBatch.Builder b = new ReadBatch.Builder();
        for (Map<String, AttributeValue> item : items) {
            b.add(Layout.bytes(item.get(Layout.RANGE)), Layout.bytes(item.get(Layout.VALUE)));
        }
        return b.build();
    }

    /**
     * A paged Scan of the whole table: DynamoDB places items by a hash of the partition key, so a
     * hash-value prefix cannot be a key condition; rows of the prefix are kept on the client. Each
     * page is one Scan call (up to 1 MB); the next is fetched only after the consumer returned.
     */
    @Override
    public void scan(String tableName, String hashPrefix, IndexScan consumer) {
        TableNames.check(tableName);
        ScanRequest.Builder first =
                ScanRequest.builder()
                        .tableName(tableName)
                        .consistentRead(consistentReads)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        if (pageLimit > 0) {
            first.limit(pageLimit);
        }
        ScanRequest current = first.build();
        while (true) {
            ScanRequest req = current;
            ScanResponse resp =
                    calls.call(
                            DynamoMetrics.SCAN_PAGES,
                            tableName,
                            calls.issue(DynamoMetrics.SCAN_PAGES, () -> client.scan(req)),
                            () -> client.scan(req),
                            null);
            calls.metrics().consumed(DynamoMetrics.SCAN_PAGES, resp.consumedCapacity());
            List<IndexEntry> page = new ArrayList<>();
            if (resp.hasItems()) {
                for (Map<String, AttributeValue> item : resp.items()) {
                    String hash = item.get(Layout.HASH).s();
                    if (hash != null && hash.startsWith(hashPrefix)) {
                        page.add(
                                new IndexEntry(
                                        tableName,
                                        hash,
                                        Layout.bytes(item.get(Layout.RANGE)),
                                        Layout.bytes(item.get(Layout.VALUE))));
                    }
                }
            }
            if (!page.isEmpty() && !consumer.onPage(page)) {
                return;
            }
            if (!resp.hasLastEvaluatedKey() || resp.lastEvaluatedKey().isEmpty()) {
                return;
            }
            current = req.toBuilder().exclusiveStartKey(resp.lastEvaluatedKey()).build();
        }
    }

    @Override
    public IndexScan.Mode scanMode() {
        return IndexScan.Mode.WHOLE_TABLE;
    }

    @Override
    public void close() {
        // the backend owns the SDK client and the workers
    }
}
