package io.chunkstore.dynamodb;

import io.chunkstore.spi.IndexClient;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexScan;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.PageConsumer;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.ParallelQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
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
    private final Executor executor;
    private final int queryParallelism;
    private final boolean consistentReads;
    private final int pageLimit;

    DynamoIndexClient(
            DynamoDbAsyncClient client,
            Calls calls,
            BatchWriter writer,
            Executor executor,
            int queryParallelism,
            boolean consistentReads,
            int pageLimit) {
        this.client = client;
        this.calls = calls;
        this.writer = writer;
        this.executor = executor;
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

    @Override
    public void queryPages(List<IndexQuery> queries, PageConsumer consumer) {
        ParallelQueries.run(queries, queryParallelism, executor, this::query, consumer);
    }

    private void query(IndexQuery q, PageConsumer consumer) {
        TableNames.check(q.tableName());
        QueryRequest first = Requests.query(q, consistentReads, pageLimit);
        QueryRequest current = first;
        CompletableFuture<QueryResponse> inFlight = fetch(current);
        int pages = 0;
        try {
            while (true) {
                QueryRequest retry = current;
                QueryResponse resp;
                try {
                    resp =
                            calls.call(
                                    DynamoMetrics.QUERY_PAGES,
                                    q.tableName(),
                                    inFlight,
                                    () -> client.query(retry),
                                    null);
                } catch (InvalidRequestException e) {
                    throw new InvalidQueryException(
                            "DynamoDB rejected " + q + ": " + e.getMessage(), e);
                }
                inFlight = null;
                pages++;
                calls.metrics().consumed(DynamoMetrics.QUERY_PAGES, resp.consumedCapacity());
                Map<String, AttributeValue> lastKey =
                        resp.hasLastEvaluatedKey() ? resp.lastEvaluatedKey() : Map.of();
                if (!lastKey.isEmpty()) {
                    current = first.toBuilder().exclusiveStartKey(lastKey).build();
                    inFlight = fetch(current);
                }
                if (resp.hasItems() && !resp.items().isEmpty()) {
                    if (!consumer.onPage(q, page(resp.items()))) {
                        return;
                    }
                }
                if (lastKey.isEmpty()) {
                    return;
                }
            }
        } finally {
            if (inFlight != null) {
                inFlight.cancel(true);
            }
            calls.metrics().queryPages(pages);
        }
    }

    private CompletableFuture<QueryResponse> fetch(QueryRequest req) {
        return calls.issue(DynamoMetrics.QUERY_PAGES, () -> client.query(req));
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
