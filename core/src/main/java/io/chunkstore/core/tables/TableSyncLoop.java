package io.chunkstore.core.tables;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cortex's table-manager loop: a sync at once, a random pause in {@code [0, poll interval)} so that
 * managers started together spread out, then a sync every poll interval. A failed sync is logged
 * and the loop goes on. {@link #run()} blocks the calling thread until {@link #stop()} or an
 * interrupt.
 */
public final class TableSyncLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TableSyncLoop.class);

    /** Waits between syncs; tests pass one that does not really sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final TableManager manager;
    private final Duration pollInterval;
    private final Sleeper sleeper;
    private final AtomicInteger syncs = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean stopped;

    TableSyncLoop(TableManager manager, Duration pollInterval) {
        this(manager, pollInterval, d -> Thread.sleep(d.toMillis()));
    }

    /** A loop with its own sleeper. */
    public TableSyncLoop(TableManager manager, Duration pollInterval, Sleeper sleeper) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "poll interval must be positive, not " + pollInterval);
        }
    }

    @Override
    public void run() {
        try {
            syncOnce();
            if (stopped) {
                return;
            }
            sleeper.sleep(
                    Duration.ofNanos(ThreadLocalRandom.current().nextLong(pollInterval.toNanos())));
            while (!stopped && !Thread.currentThread().isInterrupted()) {
                syncOnce();
                if (stopped) {
                    return;
                }
                sleeper.sleep(pollInterval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void syncOnce() {
        try {
            TablePlan done = manager.sync();
            LOG.info(
                    "table sync done: {} created, {} updated, {} deleted",
                    done.of(TableAction.Kind.CREATE).size(),
                    done.of(TableAction.Kind.UPDATE).size(),
                    done.of(TableAction.Kind.DELETE).size());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("error syncing tables", e);
        } finally {
            syncs.incrementAndGet();
        }
    }

    /** Ends the loop after the current sync or pause. */
    public void stop() {
        stopped = true;
    }

    /** Syncs run so far. */
    public int syncs() {
        return syncs.get();
    }

    /** Syncs that failed so far. */
    public int failures() {
        return failures.get();
    }
}
