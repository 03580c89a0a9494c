package io.chunkstore.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures how far the heap grows while something runs, two ways:
 *
 * <ul>
 *   <li><b>retained</b>: the largest heap occupancy right after a garbage collection during the run
 *       (from the collectors' notifications), minus the occupancy after a full collection before
 *       it. This is what the run keeps alive (buffers, pages held), the number a bounded-memory
 *       claim is about. Absent when no collection ran.
 *   <li><b>peak</b>: the sum of the heap pools' peak usage during the run (peaks reset first) minus
 *       the same baseline: an upper bound that also counts garbage not yet collected, so it depends
 *       on the collector's young-generation size more than on the code.
 * </ul>
 */
public final class HeapProbe {

    /**
     * The outcome, in bytes. {@code retainedGrowth} is -1 when no collection ran during the run.
     */
    public record Result(long baseline, long retainedGrowth, long peakGrowth, int collections) {
        /** The number a target is checked against: retained growth when known, else the peak. */
        public long growth() {
            return retainedGrowth >= 0 ? retainedGrowth : peakGrowth;
        }
    }

    private HeapProbe() {}

    /** Runs {@code work} and measures the heap around it. */
    public static Result measure(Runnable work) {
        List<MemoryPoolMXBean> heapPools = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) {
                heapPools.add(p);
            }
        }
        settle();
        pause(300); // let the notifications of those collections pass before listening
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong maxAfterGc = new AtomicLong(-1);
        AtomicInteger collections = new AtomicInteger();
        NotificationListener listener =
                (Notification n, Object handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                            n.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = 0;
                    for (Map.Entry<String, MemoryUsage> e :
                            info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (isHeapPool(heapPools, e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    collections.incrementAndGet();
                    maxAfterGc.accumulateAndGet(used, Math::max);
                };
        List<NotificationEmitter> emitters = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
        try {
            work.run();
        } finally {
            pause(300); // notifications arrive on a service thread, shortly after the collection
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (ListenerNotFoundException ignored) {
                    // never added
                }
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean p : heapPools) {
            peak += p.getPeakUsage().getUsed();
        }
        long retained = maxAfterGc.get() < 0 ? -1 : Math.max(0, maxAfterGc.get() - baseline);
        return new Result(baseline, retained, Math.max(0, peak - baseline), collections.get());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isHeapPool(List<MemoryPoolMXBean> heapPools, String name) {
        for (MemoryPoolMXBean p : heapPools) {
            if (p.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Full collections until the heap stops shrinking, so the baseline is the live set. */
    private static void settle() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= last - (1 << 20)) {
                return;
            }
            last = used;
        }
    }
}
