package io.chunkstore.spi.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with names that say whose they are. Worker pools of stores and servers use them so
 * that an open store never keeps the JVM alive and a thread dump names the store a thread works
 * for.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> daemon(prefix + "-" + n.incrementAndGet(), task);
    }

    /** Starts one daemon thread. */
    public static Thread start(String name, Runnable task) {
        Thread t = daemon(name, task);
        t.start();
        return t;
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
