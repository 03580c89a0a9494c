package io.chunkstore.bench;

import java.util.List;

/**
 * Everything one bench run found.
 *
 * @param environment machine, JVM and driver versions
 * @param options what was asked
 * @param server the server measured against
 * @param loadBefore 1-minute load average when the run started
 * @param loadAfter 1-minute load average when it ended
 * @param setupSeconds time to open the store and load the data (not part of any measurement)
 * @param loadedItems index entries and chunks loaded before measuring
 * @param results the A/B comparisons, in run order
 * @param heap the heap measurement, or null when not asked for
 * @param errors workloads that failed, with the error (the others ran)
 */
public record BenchReport(
        Environment environment,
        BenchOptions options,
        String server,
        double loadBefore,
        double loadAfter,
        double setupSeconds,
        long loadedItems,
        List<WorkloadResult> results,
        HeapResult heap,
        List<String> errors) {

    /** Whether every workload ran. */
    public boolean complete() {
        return errors.isEmpty();
    }
}
