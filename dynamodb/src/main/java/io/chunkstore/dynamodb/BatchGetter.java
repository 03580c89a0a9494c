package io.chunkstore.dynamodb;

import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.Backoff;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Reads items by key with BatchGetItem, at most 100 keys (of one table) per request, one request at
 * a time: one getter serves one gang. UnprocessedKeys go to the back of the queue and are retried
 * after a back-off (restarted whenever an attempt made progress), as are throttled and transiently
 * failed requests.
 */
final class BatchGetter {
    /** An item's address. */
    record ItemKey(String table, String hash, String rangeHex) {
        static ItemKey of(String table, String hash, byte[] range) {
            return new ItemKey(table, hash, io.chunkstore.spi.Bytes.hex(range));
        }

        Map<String, AttributeValue> key() {
            return Layout.key(hash, io.chunkstore.spi.Bytes.fromHex(rangeHex));
        }
    }

    /**
     * What a get found: items by key (absent keys are missing), and the keys that could not be
     * read.
     */
    record Result(
            Map<ItemKey, Map<String, AttributeValue>> found,
            Map<ItemKey, StorageException> failed) {}

    private static final Map<String, String> NAMES =
            Map.of(
                    "#h",
                    Layout.HASH,
                    "#r",
                    Layout.RANGE,
                    "#c",
                    Layout.VALUE,
                    "#n",
                    Layout.PARTS,
                    "#s",
                    Layout.SIZE);
    private static final String PROJECTION = "#h, #r, #c, #n, #s";

    private final DynamoDbAsyncClient client;
    private final Calls calls;
    private final boolean consistentRead;

    BatchGetter(DynamoDbAsyncClient client, Calls calls, boolean consistentRead) {
        this.client = client;
        this.calls = calls;
        this.consistentRead = consistentRead;
    }

    Result get(Collection<ItemKey> keys) {
        Map<ItemKey, Map<String, AttributeValue>> found = new HashMap<>();
        Map<ItemKey, StorageException> failed = new LinkedHashMap<>();
        Deque<ItemKey> queue =
                new ArrayDeque<>(
                        keys.stream()
                                .distinct()
                                .sorted(java.util.Comparator.comparing(ItemKey::table))
                                .toList());
        Backoff backoff = new Backoff(calls.backoff());
        while (!queue.isEmpty()) {
            String table = queue.peekFirst().table();
            List<ItemKey> batch = new ArrayList<>(Layout.MAX_GET_BATCH);
            List<ItemKey> skipped = new ArrayList<>();
            while (!queue.isEmpty() && batch.size() < Layout.MAX_GET_BATCH) {
                ItemKey k = queue.pollFirst();
                (k.table().equals(table) ? batch : skipped).add(k);
            }
            for (int i = skipped.size() - 1; i >= 0; i--) {
                queue.addFirst(skipped.get(i));
            }
            List<Map<String, AttributeValue>> requestKeys = new ArrayList<>(batch.size());
            batch.forEach(k -> requestKeys.add(k.key()));
            BatchGetItemRequest req =
                    BatchGetItemRequest.builder()
                            .requestItems(
                                    Map.of(
                                            table,
                                            KeysAndAttributes.builder()
                                                    .keys(requestKeys)
                                                    .projectionExpression(PROJECTION)
                                                    .expressionAttributeNames(NAMES)
                                                    .consistentRead(consistentRead)
                                                    .build()))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                            .build();
            BatchGetItemResponse resp = null;
            Throwable err = null;
            try {
                resp = calls.issue(DynamoMetrics.BATCH_GET, () -> client.batchGetItem(req)).join();
            } catch (CompletionException | CancellationException e) {
                err = DynamoErrors.unwrap(e);
            }
            List<ItemKey> retry;
            Throwable problem;
            if (err == null) {
                calls.metrics().consumed(DynamoMetrics.BATCH_GET, resp.consumedCapacity());
                if (resp.hasResponses()) {
                    for (Map<String, AttributeValue> item :
                            resp.responses().getOrDefault(table, List.of())) {
                        AttributeValue h = item.get(Layout.HASH);
                        AttributeValue r = item.get(Layout.RANGE);
                        if (h != null && r != null) {
                            found.put(ItemKey.of(table, h.s(), Layout.bytes(r)), item);
                        }
                    }
                }
                KeysAndAttributes unprocessed =
                        resp.hasUnprocessedKeys() ? resp.unprocessedKeys().get(table) : null;
                if (unprocessed == null || !unprocessed.hasKeys() || unprocessed.keys().isEmpty()) {
                    continue;
                }
                retry = new ArrayList<>(unprocessed.keys().size());
                for (Map<String, AttributeValue> k : unprocessed.keys()) {
                    retry.add(
                            ItemKey.of(
                                    table,
                                    k.get(Layout.HASH).s(),
                                    Layout.bytes(k.get(Layout.RANGE))));
                }
                calls.metrics().throttled(DynamoMetrics.BATCH_GET, table, retry.size());
                if (retry.size() < batch.size()) {
                    backoff.reset();
                }
                problem = null;
            } else {
                calls.metrics().failure(DynamoMetrics.BATCH_GET, table, err);
                DynamoErrors.Kind kind = DynamoErrors.classify(err);
                if (kind == DynamoErrors.Kind.THROTTLED || kind == DynamoErrors.Kind.RETRYABLE) {
                    if (kind == DynamoErrors.Kind.THROTTLED) {
                        calls.metrics().throttled(DynamoMetrics.BATCH_GET, table, batch.size());
                    }
                    retry = batch;
                    problem = err;
                } else {
                    StorageException e =
                            kind == DynamoErrors.Kind.TABLE_NOT_FOUND
                                    ? new TableNotFoundException(table, err)
                                    : kind == DynamoErrors.Kind.VALIDATION
                                            ? new InvalidRequestException(
                                                    "DynamoDB rejected a BatchGetItem of "
                                                            + batch.size()
                                                            + " key(s) on table "
                                                            + table
                                                            + ": "
                                                            + err.getMessage(),
                                                    err)
                                            : DynamoErrors.toStorageException(
                                                    DynamoMetrics.BATCH_GET, table, err);
                    batch.forEach(k -> failed.put(k, e));
                    continue;
                }
            }
            if (!backoff.ongoing()) {
                String msg =
                        retry.size()
                                + " key(s) not read from table "
                                + table
                                + " after "
                                + backoff.retries()
                                + " retries (aws.dynamodb.backoff_config.max_retries); last problem: "
                                + (problem == null
                                        ? "DynamoDB kept returning them as UnprocessedKeys (throttled)"
                                        : problem.getMessage());
                StorageException e =
                        problem == null
                                        || DynamoErrors.classify(problem)
                                                == DynamoErrors.Kind.THROTTLED
                                ? new ThrottledException(msg, problem)
                                : new UnavailableException(msg, problem);
                retry.forEach(k -> failed.put(k, e));
                // the other queued keys still get their attempt; with the back-off spent they get
                // no retry
                continue;
            }
            retry.forEach(queue::addLast);
            Calls.sleep(backoff.nextDelay(), DynamoMetrics.BATCH_GET, table);
        }
        return new Result(found, failed);
    }
}
