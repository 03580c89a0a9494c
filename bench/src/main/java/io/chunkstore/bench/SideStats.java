package io.chunkstore.bench;

/**
 * One side's measured rounds of a workload (warm-up rounds excluded).
 *
 * @param label {@code ours}, {@code raw}, {@code ours-grpc}
 * @param itemsPerSecond entries or chunks per second, one value per round
 * @param mibPerSecond payload MiB per second, one value per round
 * @param cpuPerItem CPU time this JVM spent per item, nanoseconds (all its threads: client,
 *     in-process store, gRPC server, collector), one value per round
 * @param p99Millis the 99th percentile latency of one operation per round, milliseconds (empty for
 *     workloads that do not time each operation)
 */
public record SideStats(
        String label,
        double[] itemsPerSecond,
        double[] mibPerSecond,
        double[] cpuPerItem,
        double[] p99Millis) {

    /** A side of a workload that does not time each operation. */
    public SideStats(
            String label, double[] itemsPerSecond, double[] mibPerSecond, double[] cpuPerItem) {
        this(label, itemsPerSecond, mibPerSecond, cpuPerItem, new double[0]);
    }

    /** Median over the rounds of the per-round p99 latency; NaN when not timed. */
    public double medianP99Millis() {
        return p99Millis.length == 0 ? Double.NaN : Stats.median(p99Millis);
    }

    public double medianItems() {
        return Stats.median(itemsPerSecond);
    }

    public double medianMib() {
        return Stats.median(mibPerSecond);
    }

    /** Median CPU nanoseconds per item. */
    public double medianCpuPerItem() {
        return Stats.median(cpuPerItem);
    }
}
