package io.chunkstore.core.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running counts of a purge, kept in its checkpoint so a resumed run reports the whole.
 * Failures are this run's only: a resumed run retries what failed.
 */
final class Tally {
    static final int SAMPLE_KEYS = 10;
    static final int KEPT_LISTED = 1000;

    long series;
    long chunksFound;
    long chunksDeleted;
    long chunksRewritten;
    long chunksKept;
    long chunksUntouched;
    long resumedChunks;
    final Map<String, Long> indexDeletes = new TreeMap<>();
    final Map<String, Long> indexWrites = new TreeMap<>();
    final Map<String, Long> chunkDeletes = new TreeMap<>();
    final Map<String, Long> chunkWrites = new TreeMap<>();
    final List<String> sampleKeys = new ArrayList<>();
    final List<String> keptChunks = new ArrayList<>();
    final List<PurgeFailure> failures = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    static void add(Map<String, Long> m, String table, long n) {
        if (n != 0) {
            m.merge(table, n, Long::sum);
        }
    }

    /** Adds another tally's counts (not its keys or failures). */
    void merge(Tally o) {
        series += o.series;
        chunksFound += o.chunksFound;
        chunksDeleted += o.chunksDeleted;
        chunksRewritten += o.chunksRewritten;
        chunksKept += o.chunksKept;
        chunksUntouched += o.chunksUntouched;
        resumedChunks += o.resumedChunks;
        o.indexDeletes.forEach((k, v) -> add(indexDeletes, k, v));
        o.indexWrites.forEach((k, v) -> add(indexWrites, k, v));
        o.chunkDeletes.forEach((k, v) -> add(chunkDeletes, k, v));
        o.chunkWrites.forEach((k, v) -> add(chunkWrites, k, v));
    }

    void sample(String key) {
        if (sampleKeys.size() < SAMPLE_KEYS) {
            sampleKeys.add(key);
        }
    }

    void kept(String key) {
        chunksKept++;
        if (keptChunks.size() < KEPT_LISTED) {
            keptChunks.add(key);
        }
    }

    PurgeSummary summary(boolean dryRun, Duration elapsed) {
        return new PurgeSummary(
                dryRun,
                series,
                chunksFound,
                chunksDeleted,
                chunksRewritten,
                chunksKept,
                chunksUntouched,
                indexDeletes,
                indexWrites,
                chunkDeletes,
                chunkWrites,
                sampleKeys,
                keptChunks,
                resumedChunks,
                failures,
                notes,
                elapsed);
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("series", series);
        o.put("chunksFound", chunksFound);
        o.put("chunksDeleted", chunksDeleted);
        o.put("chunksRewritten", chunksRewritten);
        o.put("chunksKept", chunksKept);
        o.put("chunksUntouched", chunksUntouched);
        o.put("resumedChunks", resumedChunks);
        map(o.putObject("indexDeletes"), indexDeletes);
        map(o.putObject("indexWrites"), indexWrites);
        map(o.putObject("chunkDeletes"), chunkDeletes);
        map(o.putObject("chunkWrites"), chunkWrites);
        sampleKeys.forEach(o.putArray("sampleKeys")::add);
        keptChunks.forEach(o.putArray("keptChunks")::add);
        return o;
    }

    void readJson(JsonNode o) {
        series = o.path("series").asLong();
        chunksFound = o.path("chunksFound").asLong();
        chunksDeleted = o.path("chunksDeleted").asLong();
        chunksRewritten = o.path("chunksRewritten").asLong();
        chunksKept = o.path("chunksKept").asLong();
        chunksUntouched = o.path("chunksUntouched").asLong();
        resumedChunks = o.path("resumedChunks").asLong();
        readMap(o.path("indexDeletes"), indexDeletes);
        readMap(o.path("indexWrites"), indexWrites);
        readMap(o.path("chunkDeletes"), chunkDeletes);
        readMap(o.path("chunkWrites"), chunkWrites);
        o.path("sampleKeys").forEach(n -> sampleKeys.add(n.asText()));
        o.path("keptChunks").forEach(n -> keptChunks.add(n.asText()));
    }

    private static void map(ObjectNode o, Map<String, Long> m) {
        m.forEach(o::put);
    }

    private static void readMap(JsonNode n, Map<String, Long> m) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asLong());
        }
    }
}
