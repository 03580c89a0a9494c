package io.chunkstore.bench;

/**
 * The comparison of one workload: our side against its baseline, round by round.
 *
 * @param workload what ran
 * @param ours our client (in-process, or through gRPC for the grpc workloads)
 * @param baseline the raw driver (or our client in-process for the grpc workloads)
 * @param itemsPerRun entries or chunks one run moves
 * @param bytesPerRun payload bytes one run moves
 */
public record WorkloadResult(
        Workload workload, SideStats ours, SideStats baseline, long itemsPerRun, long bytesPerRun) {

    /** Median of ours over median of the baseline. */
    public double ratio() {
        return Stats.ratio(ours.medianItems(), baseline.medianItems());
    }

    /** Round-by-round ratios (each round's pair ran back to back). */
    public double[] pairedRatios() {
        return Stats.pairedRatios(ours.itemsPerSecond(), baseline.itemsPerSecond());
    }

    /**
     * CPU efficiency: the baseline's CPU time per item over ours (1 = the same cost, 0.5 = ours
     * costs twice as much). Less sensitive to other processes on the machine than the throughput
     * ratio.
     */
    public double cpuRatio() {
        return Stats.ratio(baseline.medianCpuPerItem(), ours.medianCpuPerItem());
    }

    public boolean meetsTarget() {
        return ratio() >= workload.target();
    }
}
