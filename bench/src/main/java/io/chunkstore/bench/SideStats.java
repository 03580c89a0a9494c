package io.chunkstore.bench;

/**
 * One side's measured rounds of a workload (warm-up rounds excluded).
 *
 * @param label {@code ours}, {@code raw}, {@code ours-grpc}
 * @param itemsPerSecond entries or chunks per second, one value per round
 * @param mibPerSecond payload MiB per second, one value per round
 * @param cpuPerItem CPU time this JVM spent per item, nanoseconds (all its threads: client,
 *     in-process store, gRPC server, collector), one value per round
 */
public record SideStats(
        String label, double[] itemsPerSecond, double[] mibPerSecond, double[] cpuPerItem) {

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
