package io.chunkstore.dynamodb;

import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.Backoff;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues one DynamoDB call with metrics, and repeats it after a back-off while it is throttled or
 * fails transiently (the SDK's own retries are off, as in Cortex, so capacity can be measured and
 * bounded).
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    private final DynamoMetrics metrics;
    private final Backoff.Config backoff;

    Calls(DynamoMetrics metrics, Backoff.Config backoff) {
        this.metrics = metrics;
        this.backoff = backoff;
    }

    Backoff.Config backoff() {
        return backoff;
    }

    DynamoMetrics metrics() {
        return metrics;
    }

    /**
     * Starts a call and records its duration and outcome when it completes; cancelling the result
     * aborts it.
     */
    <T> CompletableFuture<T> issue(String operation, Supplier<CompletableFuture<T>> call) {
        long start = System.nanoTime();
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        // the SDK's own future is returned, so that cancelling it aborts the request
        f.whenComplete(
                (r, e) ->
                        metrics.request(
                                operation, e == null ? null : DynamoErrors.unwrap(e), start));
        return f;
    }

    /**
     * Waits for {@code first} (or issues the call when null) and retries it under the back-off
     * while it is throttled or fails transiently; throttling counts in {@code
     * dynamo_throttled_total}, every error in {@code dynamo_failures_total}.
     *
     * @param limiter taken before every retry (and before the first call when {@code first} is
     *     null); may be null
     * @throws StorageException the spi's typed error once retries are spent or for a permanent
     *     error
     */
    <T> T call(
            String operation,
            String table,
            CompletableFuture<T> first,
            Supplier<CompletableFuture<T>> call,
            TokenBucket limiter) {
        Backoff b = new Backoff(backoff);
        CompletableFuture<T> f = first;
        while (true) {
            if (f == null) {
                acquire(limiter, operation, table);
                f = issue(operation, call);
            }
            Throwable err;
            try {
                return f.join();
            } catch (CompletionException | CancellationException e) {
                err = DynamoErrors.unwrap(e);
            }
            f = null;
            Duration wait = retryDelay(operation, table, err, b);
            if (wait == null) {
                throw DynamoErrors.toStorageException(operation, table, err);
            }
            sleep(wait, operation, table);
        }
    }

    /**
     * {@link #call} without a waiting thread: the call is issued now and retried under the back-off
     * on a timer while it is throttled or fails transiently; the result completes with the response
     * or the spi's typed error.
     */
    <T> CompletableFuture<T> callAsync(
            String operation, String table, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(operation, table, call, new Backoff(backoff), result);
        return result;
    }

    private <T> void attempt(
            String operation,
            String table,
            Supplier<CompletableFuture<T>> call,
            Backoff b,
            CompletableFuture<T> result) {
        issue(operation, call)
                .whenComplete(
                        (r, e) -> {
                            if (e == null) {
                                result.complete(r);
                                return;
                            }
                            Throwable err = DynamoErrors.unwrap(e);
                            Duration wait = retryDelay(operation, table, err, b);
                            if (wait == null) {
                                result.completeExceptionally(
                                        DynamoErrors.toStorageException(operation, table, err));
                                return;
                            }
                            CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS)
                                    .execute(() -> attempt(operation, table, call, b, result));
                        });
    }

    /**
     * Counts a failed attempt and decides: the wait before the next one (logged), or null when the
     * error is permanent or the back-off is spent (logged when it was retryable).
     */
    private Duration retryDelay(String operation, String table, Throwable err, Backoff b) {
        metrics.failure(operation, table, err);
        DynamoErrors.Kind kind = DynamoErrors.classify(err);
        if (kind == DynamoErrors.Kind.THROTTLED) {
            metrics.throttled(operation, table == null ? "" : table, 1);
        }
        boolean retryable =
                kind == DynamoErrors.Kind.THROTTLED || kind == DynamoErrors.Kind.RETRYABLE;
        String on = table == null || table.isEmpty() ? "" : " on " + table;
        if (!retryable || !b.ongoing()) {
            if (retryable) {
                LOG.warn(
                        "DynamoDB {}{} failed, giving up after {}: {}",
                        operation,
                        on,
                        b.limitReached(),
                        err.toString());
            }
            return null;
        }
        Duration wait = b.nextDelay();
        LOG.warn(
                "DynamoDB {}{} failed ({}); retry {}{} in {}",
                operation,
                on,
                err.toString(),
                b.retries(),
                backoff.maxRetries() == 0 ? "" : " of " + backoff.maxRetries(),
                io.chunkstore.spi.support.GoDuration.format(wait));
        return wait;
    }

    static void acquire(TokenBucket limiter, String operation, String table) {
        if (limiter == null) {
            return;
        }
        try {
            limiter.acquire(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "interrupted while rate-limiting " + operation + " on " + table, e);
        }
    }

    static void sleep(Duration d, String operation, String table) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "interrupted while backing off " + operation + " on " + table, e);
        }
    }
}
