package io.chunkstore.bench;

import java.util.List;

/**
 * Heap growth while the wide row streams, per side: the largest retained growth (after a
 * collection) and the largest peak growth over the measured runs, in bytes.
 *
 * @param entries entries in the row
 * @param sides one entry per side measured
 */
public record HeapResult(long entries, List<Side> sides) {

    /**
     * @param label {@code ours} or {@code raw}
     * @param runs each measured run
     */
    public record Side(String label, List<HeapProbe.Result> runs) {
        /** Largest retained growth of the runs, -1 when no run saw a collection. */
        public long maxRetained() {
            return runs.stream().mapToLong(HeapProbe.Result::retainedGrowth).max().orElse(-1);
        }

        public long maxPeak() {
            return runs.stream().mapToLong(HeapProbe.Result::peakGrowth).max().orElse(0);
        }

        /** What the target is checked against: retained when measured, else the peak. */
        public long growth() {
            return maxRetained() >= 0 ? maxRetained() : maxPeak();
        }

        public boolean meetsTarget() {
            return Stats.mib(growth()) < Workload.HEAP_TARGET_MIB;
        }
    }
}
