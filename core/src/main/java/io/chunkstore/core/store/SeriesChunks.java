package io.chunkstore.core.store;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.MergedSamples;
import io.chunkstore.core.model.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One series and the chunks that hold it, replicas included: the unit every sample reader works on
 * (remote read, block conversion). Chunks are grouped by their full label set, not by fingerprint,
 * so two series whose fingerprints collide stay apart as they did in Cortex's querier.
 *
 * @param labels the series
 * @param chunks its chunks, in start order
 */
public record SeriesChunks(Labels labels, List<Chunk> chunks) {
    public SeriesChunks {
        chunks = List.copyOf(chunks);
    }

    /**
     * The series of {@code chunks}, sorted in Prometheus' series order ({@link Labels#ORDER}), each
     * with its chunks in start order (ties in the order given).
     */
    public static List<SeriesChunks> group(Collection<Chunk> chunks) {
        Map<Labels, List<Chunk>> bySeries = new TreeMap<>(Labels.ORDER);
        for (Chunk c : chunks) {
            bySeries.computeIfAbsent(c.labels(), l -> new ArrayList<>()).add(c);
        }
        List<SeriesChunks> out = new ArrayList<>(bySeries.size());
        bySeries.forEach(
                (labels, cs) -> {
                    cs.sort(Comparator.comparingLong(Chunk::from));
                    out.add(new SeriesChunks(labels, cs));
                });
        return out;
    }

    /**
     * The series' samples in {@code [from, through]} (inclusive ms), merged across its chunks with
     * each timestamp once ({@link MergedSamples}).
     */
    public MergedSamples samples(long from, long through) {
        return MergedSamples.of(chunks, from, through);
    }
}
