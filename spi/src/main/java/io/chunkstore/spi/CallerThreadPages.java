package io.chunkstore.spi;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The blocking {@link IndexClient#queryPages} on top of {@link IndexClient#queryPagesAsync}: the
 * caller's thread runs the blocking {@link PageConsumer}, so it never runs on a driver's I/O
 * thread. A page delivered on the caller's own thread (while {@code queryPagesAsync} has not
 * returned yet, e.g. by an embedded store) is passed to the consumer directly; a page delivered on
 * any other thread is handed to the caller through a queue and its stage completed with the
 * consumer's answer. The queue is bounded by the asynchronous contract itself: a query has at most
 * one page waiting for its answer, so it never holds more pages than queries run at once.
 */
final class CallerThreadPages {

    /** A page waiting for the caller's thread, or {@link #END}. */
    private record Handoff(IndexQuery query, ReadBatch page, CompletableFuture<Boolean> demand) {}

    private static final Handoff END = new Handoff(null, null, null);

    private CallerThreadPages() {}

    static void run(IndexClient client, List<IndexQuery> queries, PageConsumer consumer) {
        if (queries.isEmpty()) {
            return;
        }
        Thread caller = Thread.currentThread();
        BlockingQueue<Handoff> handoff = new LinkedBlockingQueue<>();
        CompletionStage<Void> all =
                client.queryPagesAsync(
                        queries,
                        (query, page) -> {
                            if (Thread.currentThread() == caller) {
                                return consumer.onPage(query, page)
                                        ? AsyncPageConsumer.MORE
                                        : AsyncPageConsumer.STOP;
                            }
                            CompletableFuture<Boolean> demand = new CompletableFuture<>();
                            handoff.add(new Handoff(query, page, demand));
                            return demand;
                        });
        all.whenComplete((ignored, error) -> handoff.add(END));
        boolean interrupted = false;
        for (; ; ) {
            Handoff h;
            try {
                h = handoff.take();
            } catch (InterruptedException e) {
                // Stop every query (each page answered "stop") and wait for them to end: the
                // queries must not outlive the call.
                interrupted = true;
                continue;
            }
            if (h == END) {
                break;
            }
            answer(h, consumer, interrupted);
        }
        // A backend completes the call after each page's stage; anything left is answered too.
        for (Handoff h; (h = handoff.poll()) != null; ) {
            answer(h, consumer, true);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            all.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for index queries", e);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
        if (interrupted) {
            throw new StorageException("interrupted while reading index queries");
        }
    }

    private static void answer(Handoff h, PageConsumer consumer, boolean stop) {
        if (stop) {
            h.demand.complete(false);
            return;
        }
        try {
            h.demand.complete(consumer.onPage(h.query, h.page));
        } catch (RuntimeException | Error e) {
            h.demand.completeExceptionally(e);
        }
    }

    /** The error as the consumer or the backend threw it, without completion wrappers. */
    static RuntimeException rethrowable(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new StorageException("index query failed: " + t, t);
    }
}
