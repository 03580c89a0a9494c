package io.chunkstore.core.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A block's {@code meta.json}, version 1 (prometheus/prometheus {@code tsdb/block.go}, {@code
 * BlockMeta}) with the {@code thanos} section Thanos, Cortex's and Mimir's blocks storage read
 * (thanos-io/thanos {@code pkg/block/metadata/meta.go}): the tenant as the {@code __org_id__}
 * external label, downsampling resolution 0, and where the block came from.
 *
 * @param ulid the block's id, also its directory name
 * @param minTime first sample time (inclusive ms)
 * @param maxTime last sample time + 1 (exclusive, as Prometheus writes it)
 * @param numSamples samples in the block
 * @param numSeries series in the block
 * @param numChunks chunks in the block
 * @param externalLabels the Thanos external labels ({@code __org_id__}: the tenant)
 * @param source the Thanos source ("chunkstore")
 * @param segmentFiles names of the chunk segment files ("000001", ...)
 */
public record BlockMeta(
        String ulid,
        long minTime,
        long maxTime,
        long numSamples,
        long numSeries,
        long numChunks,
        Map<String, String> externalLabels,
        String source,
        List<String> segmentFiles) {

    /** The external label Cortex and Mimir name a block's tenant with. */
    public static final String ORG_ID_LABEL = "__org_id__";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BlockMeta {
        externalLabels = Map.copyOf(externalLabels);
        segmentFiles = List.copyOf(segmentFiles);
    }

    /** The meta.json bytes. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("ulid", ulid);
        root.put("minTime", minTime);
        root.put("maxTime", maxTime);
        ObjectNode stats = root.putObject("stats");
        stats.put("numSamples", numSamples);
        stats.put("numSeries", numSeries);
        stats.put("numChunks", numChunks);
        ObjectNode compaction = root.putObject("compaction");
        compaction.put("level", 1);
        compaction.putArray("sources").add(ulid);
        root.put("version", 1);
        ObjectNode thanos = root.putObject("thanos");
        ObjectNode labels = thanos.putObject("labels");
        new TreeMap<>(externalLabels).forEach(labels::put);
        thanos.putObject("downsample").put("resolution", 0);
        thanos.put("source", source);
        segmentFiles.forEach(thanos.putArray("segment_files")::add);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a meta.json.
     *
     * @throws IllegalArgumentException when it is not a version 1 meta.json
     */
    public static BlockMeta parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("meta.json does not parse: " + e.getMessage(), e);
        }
        if (root == null || root.path("version").asInt() != 1) {
            throw new IllegalArgumentException("meta.json is not version 1");
        }
        Map<String, String> labels = new TreeMap<>();
        JsonNode labelNode = root.path("thanos").path("labels");
        labelNode.fieldNames().forEachRemaining(k -> labels.put(k, labelNode.get(k).asText()));
        List<String> segments = new ArrayList<>();
        root.path("thanos").path("segment_files").forEach(n -> segments.add(n.asText()));
        JsonNode stats = root.path("stats");
        return new BlockMeta(
                root.path("ulid").asText(),
                root.path("minTime").asLong(),
                root.path("maxTime").asLong(),
                stats.path("numSamples").asLong(),
                stats.path("numSeries").asLong(),
                stats.path("numChunks").asLong(),
                labels,
                root.path("thanos").path("source").asText(),
                segments);
    }
}
