package io.chunkstore.server;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import io.chunkstore.spi.UnavailableException;
import io.chunkstore.spi.support.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the stores of a config answer: each backend's {@link StorageBackend#checkHealth()}, all
 * at once, each bounded by a time limit, so a store that hangs (a closed port behind retries) is
 * reported as not answering instead of holding the caller. Used at start ({@link
 * #requireAnswering}: serve and the cli's data commands fail with exit 3 naming the store) and by
 * serve's {@code /ready} ({@link #problems()}, cached for a second so a busy scraper does not load
 * the stores).
 */
public final class BackendHealth implements AutoCloseable {
    /** How long one store may take to answer its check. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Map<String, StorageBackend> backends;
    private final Duration timeout;
    private final ExecutorService pool;
    private List<String> cached = List.of();
    private long cachedAt;
    private boolean everChecked;

    private BackendHealth(Map<String, StorageBackend> backends, Duration timeout) {
        this.backends = backends;
        this.timeout = timeout;
        this.pool = Executors.newCachedThreadPool(DaemonThreads.named("chunkstore-health"));
    }

    /**
     * The health of every store the config's periods name (index stores and object stores), opened
     * through {@code stores} now.
     */
    public static BackendHealth of(
            StoreBackends stores, List<PeriodConfig> periods, Duration timeout) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, StorageBackend> byName = new LinkedHashMap<>();
        for (PeriodConfig p : periods) {
            names.add(p.store());
            names.add(StoreBackends.chunkStoreName(p.objectStore()));
        }
        for (String n : names) {
            byName.put(n, stores.backend(n));
        }
        return new BackendHealth(byName, timeout);
    }

    /**
     * Fails when a store does not answer (a full disk is not a reason to refuse reads: it is only
     * reported).
     *
     * @throws UnavailableException naming the store and why
     */
    public void requireAnswering() {
        for (String problem : check(false)) {
            throw new UnavailableException(problem);
        }
    }

    /** What is wrong with the stores now, one line each; empty when every store is well. */
    public synchronized List<String> problems() {
        long now = System.nanoTime();
        if (!everChecked || now - cachedAt > CACHE_NANOS) {
            cached = check(true);
            cachedAt = System.nanoTime();
            everChecked = true;
        }
        return cached;
    }

    private List<String> check(boolean full) {
        Map<String, Future<?>> running = new LinkedHashMap<>();
        backends.forEach((name, b) -> running.put(name, pool.submit(b::checkHealth)));
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Future<?>> e : running.entrySet()) {
            String name = e.getKey();
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException te) {
                e.getValue().cancel(true);
                problems.add(
                        "store '"
                                + name
                                + "' does not answer within "
                                + io.chunkstore.core.config.Durations.format(timeout));
            } catch (ExecutionException ee) {
                Throwable c = ee.getCause();
                if (c instanceof StorageFullException) {
                    if (full) {
                        problems.add("store '" + name + "' is full: " + c.getMessage());
                    }
                } else {
                    problems.add(
                            "store '"
                                    + name
                                    + "' "
                                    + (c instanceof StorageException
                                            ? "does not answer: "
                                            : "failed its check: ")
                                    + c.getMessage());
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                problems.add("interrupted while checking store '" + name + "'");
                break;
            }
        }
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
