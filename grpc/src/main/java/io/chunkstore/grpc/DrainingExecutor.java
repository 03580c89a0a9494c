package io.chunkstore.grpc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on at most {@code drainers} threads of a pool, each draining a shared queue until it
 * is empty: a task submitted while a drainer runs is picked up by it without waking a thread. The
 * server starts the embedded store's queries through it, where a stream per one-row query otherwise
 * costs a thread wake-up each (docs/benchmarks.md, issue 22).
 */
final class DrainingExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(DrainingExecutor.class);
    private final Executor pool;
    private final int drainers;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    DrainingExecutor(Executor pool, int drainers) {
        if (drainers <= 0) {
            throw new IllegalArgumentException("drainers must be positive, got " + drainers);
        }
        this.pool = pool;
        this.drainers = drainers;
    }

    /**
     * Queues the task and starts a drainer when fewer than the limit run.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the pool refuses a new drainer
     *     and none is running to take the task (the task is then removed)
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        startDrainerIfNeeded(task);
    }

    private void startDrainerIfNeeded(Runnable submitted) {
        if (!claim()) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RuntimeException e) {
            running.decrementAndGet();
            if (running.get() == 0 && tasks.remove(submitted)) {
                throw e;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("a task of the grpc_store server failed", e);
                }
            }
            running.decrementAndGet();
            // a task queued after the last poll but before the decrement saw the limit reached:
            // take it up again unless another drainer has started meanwhile
            if (tasks.isEmpty() || !claim()) {
                return;
            }
        }
    }

    /** Counts one more drainer running, unless the limit is reached. */
    private boolean claim() {
        while (true) {
            int n = running.get();
            if (n >= drainers) {
                return false;
            }
            if (running.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
