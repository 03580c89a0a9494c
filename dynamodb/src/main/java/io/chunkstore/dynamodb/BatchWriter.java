package io.chunkstore.dynamodb;

import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.spi.support.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Cortex's BatchWrite, without its losses: ops are planned into requests of at most 25 (see {@link
 * WritePlan}), the requests of a phase go out {@code parallelism} at a time, and each request is
 * repeated until every item is written: UnprocessedItems and throttling
 * (ProvisionedThroughputExceeded, ThrottlingException, RequestLimitExceeded, transient faults) are
 * retried after an exponential back-off with jitter, the back-off restarting whenever an attempt
 * made progress, and every retried item takes a token of the {@code throttle_limit} bucket. A
 * ValidationException is narrowed down by halving the request until the offending items are alone,
 * and those are reported; the others are written. Nothing is dropped: whatever is not written is
 * returned with its error.
 */
final class BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final DynamoDbAsyncClient client;
    private final Calls calls;
    private final TokenBucket throttle;
    private final int parallelism;
    private final Executor executor;

    BatchWriter(
            DynamoDbAsyncClient client,
            Calls calls,
            TokenBucket throttle,
            int parallelism,
            Executor executor) {
        this.client = client;
        this.calls = calls;
        this.throttle = throttle;
        this.parallelism = parallelism;
        this.executor = executor;
    }

    /**
     * Writes the ops; returns those not written, in input order, each with its error (empty when
     * all were).
     */
    Map<WriteOp, StorageException> write(List<WriteOp> ops) {
        Map<WriteOp, StorageException> failures = new ConcurrentHashMap<>();
        Set<Object> failedGroups = Collections.newSetFromMap(new ConcurrentHashMap<>());
        for (List<List<WriteOp>> phase : WritePlan.plan(ops, Layout.MAX_WRITE_BATCH)) {
            List<List<WriteOp>> requests = new ArrayList<>(phase.size());
            for (List<WriteOp> request : phase) {
                List<WriteOp> send = new ArrayList<>(request.size());
                for (WriteOp op : request) {
                    if (failedGroups.contains(op.group())) {
                        failures.put(
                                op,
                                new StorageException(
                                        "not attempted because an earlier write it depends"
                                                + " on failed ("
                                                + op
                                                + ")"));
                    } else {
                        send.add(op);
                    }
                }
                if (!send.isEmpty()) {
                    requests.add(send);
                }
            }
            Parallel.forEach(
                    requests,
                    parallelism,
                    executor,
                    request -> {
                        Map<WriteOp, StorageException> failed = new LinkedHashMap<>();
                        send(request, failed);
                        failed.keySet().forEach(op -> failedGroups.add(op.group()));
                        failures.putAll(failed);
                    });
        }
        Map<WriteOp, StorageException> ordered = new LinkedHashMap<>();
        for (WriteOp op : ops) {
            StorageException e = failures.get(op);
            if (e != null) {
                ordered.put(op, e);
            }
        }
        return ordered;
    }

    /**
     * Sends one request's ops (one table, distinct cells) until written, retries are spent, or a
     * permanent error.
     */
    private void send(List<WriteOp> ops, Map<WriteOp, StorageException> failed) {
        String table = ops.get(0).table();
        Backoff backoff = new Backoff(calls.backoff());
        List<WriteOp> pending = ops;
        Throwable lastProblem = null;
        while (true) {
            List<WriteRequest> requests = new ArrayList<>(pending.size());
            pending.forEach(op -> requests.add(op.request()));
            BatchWriteItemRequest req =
                    BatchWriteItemRequest.builder()
                            .requestItems(Map.of(table, requests))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                            .build();
            BatchWriteItemResponse resp = null;
            Throwable err = null;
            try {
                resp =
                        calls.issue(DynamoMetrics.BATCH_WRITE, () -> client.batchWriteItem(req))
                                .join();
            } catch (CompletionException | CancellationException e) {
                err = DynamoErrors.unwrap(e);
            }
            if (err == null) {
                calls.metrics().consumed(DynamoMetrics.BATCH_WRITE, resp.consumedCapacity());
                List<WriteRequest> unprocessed =
                        resp.hasUnprocessedItems()
                                ? resp.unprocessedItems().getOrDefault(table, List.of())
                                : List.of();
                if (unprocessed.isEmpty()) {
                    return;
                }
                List<WriteOp> next = match(pending, unprocessed);
                calls.metrics().throttled(DynamoMetrics.BATCH_WRITE, table, next.size());
                if (next.size() < pending.size()) {
                    backoff.reset();
                }
                LOG.debug(
                        "DynamoDB left {} of {} items unprocessed in table {}; retrying",
                        next.size(),
                        pending.size(),
                        table);
                pending = next;
                lastProblem = null;
            } else {
                calls.metrics().failure(DynamoMetrics.BATCH_WRITE, table, err);
                switch (DynamoErrors.classify(err)) {
                    case THROTTLED -> {
                        calls.metrics().throttled(DynamoMetrics.BATCH_WRITE, table, pending.size());
                        lastProblem = err;
                    }
                    case RETRYABLE -> lastProblem = err;
                    case VALIDATION -> {
                        rejected(pending, err, failed);
                        return;
                    }
                    case TABLE_NOT_FOUND -> {
                        TableNotFoundException e = new TableNotFoundException(table, err);
                        pending.forEach(op -> failed.put(op, e));
                        return;
                    }
                    default -> {
                        StorageException e =
                                DynamoErrors.toStorageException(
                                        DynamoMetrics.BATCH_WRITE, table, err);
                        pending.forEach(op -> failed.put(op, e));
                        return;
                    }
                }
            }
            if (!backoff.ongoing()) {
                StorageException e =
                        exhausted(table, pending.size(), backoff.retries(), lastProblem);
                pending.forEach(op -> failed.put(op, e));
                return;
            }
            try {
                throttle.acquire(pending.size());
                Thread.sleep(backoff.nextDelay().toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                StorageException e =
                        new StorageException(
                                "interrupted while retrying a DynamoDB batch write to " + table,
                                ie);
                pending.forEach(op -> failed.put(op, e));
                return;
            }
        }
    }

    /** A ValidationException: find the offending ops by halving, and write the rest. */
    private void rejected(List<WriteOp> ops, Throwable err, Map<WriteOp, StorageException> failed) {
        if (ops.size() == 1) {
            WriteOp op = ops.get(0);
            LOG.warn("DynamoDB rejected {}: {}", op, err.getMessage());
            failed.put(
                    op,
                    new InvalidRequestException(
                            "DynamoDB rejected " + op + ": " + err.getMessage(), err));
            return;
        }
        int half = ops.size() / 2;
        send(ops.subList(0, half), failed);
        send(ops.subList(half, ops.size()), failed);
    }

    private static StorageException exhausted(
            String table, int items, int retries, Throwable last) {
        String msg =
                items
                        + " item(s) not written to table "
                        + table
                        + " after "
                        + retries
                        + " retries (aws.dynamodb.backoff_config.max_retries); last problem: "
                        + (last == null
                                ? "DynamoDB kept returning them as UnprocessedItems (throttled)"
                                : last.getMessage());
        if (last == null || DynamoErrors.classify(last) == DynamoErrors.Kind.THROTTLED) {
            return new ThrottledException(msg, last);
        }
        return new UnavailableException(msg, last);
    }

    /** The pending ops that DynamoDB returned unprocessed, matched on their keys. */
    private static List<WriteOp> match(List<WriteOp> pending, List<WriteRequest> unprocessed) {
        Map<String, WriteOp> byCell = new HashMap<>();
        for (WriteOp op : pending) {
            byCell.put(op.cell(), op);
        }
        List<WriteOp> out = new ArrayList<>(unprocessed.size());
        Set<WriteOp> seen = new HashSet<>();
        for (WriteRequest w : unprocessed) {
            Map<String, AttributeValue> key =
                    w.putRequest() != null
                            ? w.putRequest().item()
                            : w.deleteRequest() != null ? w.deleteRequest().key() : Map.of();
            AttributeValue h = key.get(Layout.HASH);
            AttributeValue r = key.get(Layout.RANGE);
            WriteOp op =
                    h == null || r == null
                            ? null
                            : byCell.get(
                                    WriteOp.cell(pending.get(0).table(), h.s(), Layout.bytes(r)));
            if (op == null) {
                LOG.warn(
                        "DynamoDB returned an unprocessed item that was not in the request; ignoring it: {}",
                        key);
            } else if (seen.add(op)) {
                out.add(op);
            }
        }
        return out;
    }
}
