package io.chunkstore.core.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.core.checkpoint.CheckpointFile;
import io.chunkstore.spi.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of a purge in progress, in a JSON file, so a stopped or crashed run resumes: the run's
 * parameters, the running counts, and the chunks whose removal has begun (saved before their first
 * index entry is deleted, cleared once their objects are gone). A chunk's index entries are
 * computed from its labels, which live in the chunk, so a run interrupted between deleting the
 * index entries and the chunk would otherwise leave an object nothing points at: the resumed run
 * finishes these first. Everything else a resumed run simply finds again through the index, since
 * deletes are idempotent. The file is a {@link CheckpointFile} of kind {@code delete} (never torn,
 * a foreign or corrupt file refused), as migrate's checkpoint is.
 */
public final class PurgeCheckpoint {
    /** The file format version written and accepted. */
    public static final int FORMAT = 1;

    /** The {@code kind} member of its file. */
    public static final String KIND = "delete";

    /**
     * A chunk whose removal has begun.
     *
     * @param key the external key as the index holds it
     * @param table its chunk table
     * @param periodFrom the {@code from} day of the period whose index pointed at it
     */
    public record Pending(String key, String table, String periodFrom) {}

    /**
     * A row shared by a whole table (v11+ label names) whose removal waits for the check that no
     * other tenant has chunks of its series in that table.
     *
     * @param periodFrom the {@code from} day of the period whose index holds it
     * @param table the index table
     * @param hash its hash value
     * @param rangeHex its range value, hex
     * @param series the series ID
     */
    public record SharedRow(
            String periodFrom, String table, String hash, String rangeHex, String series) {}

    private final CheckpointFile file;
    private final Map<String, String> run;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, SharedRow> shared = new LinkedHashMap<>();
    private final java.util.Set<String> doneTables = new java.util.TreeSet<>();
    private final Tally tally = new Tally();

    private PurgeCheckpoint(CheckpointFile file, Map<String, String> run) {
        this.file = file;
        this.run = Map.copyOf(run);
    }

    /** A checkpoint in memory only: a run without {@code --checkpoint}. */
    public static PurgeCheckpoint inMemory(Map<String, String> run) {
        return new PurgeCheckpoint(null, run);
    }

    /**
     * Opens the checkpoint file, or starts one when it does not exist.
     *
     * @param run the run's parameters; a file written with other ones is refused
     * @throws ConfigException when the file is unreadable, not a purge checkpoint, or of another
     *     run (the message names each difference)
     */
    public static PurgeCheckpoint open(Path file, Map<String, String> run) {
        CheckpointFile cf = new CheckpointFile(file, KIND, FORMAT);
        PurgeCheckpoint c = new PurgeCheckpoint(cf, run);
        ObjectNode root = cf.read().orElse(null);
        if (root == null) {
            return c;
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        root.path("run").properties().forEach(e -> recorded.put(e.getKey(), e.getValue().asText()));
        List<String> diffs = CheckpointFile.differences(recorded, c.run);
        if (!diffs.isEmpty()) {
            throw cf.otherRun("delete", diffs);
        }
        for (JsonNode p : root.path("pending")) {
            Pending pd =
                    new Pending(
                            p.path("key").asText(),
                            p.path("table").asText(),
                            p.path("periodFrom").asText());
            c.pending.put(pd.key(), pd);
        }
        for (JsonNode p : root.path("shared")) {
            SharedRow r =
                    new SharedRow(
                            p.path("periodFrom").asText(),
                            p.path("table").asText(),
                            p.path("hash").asText(),
                            p.path("range").asText(),
                            p.path("series").asText());
            c.shared.put(r.table() + "\u0000" + r.hash() + "\u0000" + r.rangeHex(), r);
        }
        root.path("doneTables").forEach(n -> c.doneTables.add(n.asText()));
        c.tally.readJson(root.path("counts"));
        return c;
    }

    /** The file, or null for an in-memory checkpoint. */
    public Path file() {
        return file == null ? null : file.path();
    }

    /** The chunks whose removal began and did not finish. */
    public synchronized List<Pending> pending() {
        return List.copyOf(pending.values());
    }

    /** The shared rows waiting for their check. */
    public synchronized List<SharedRow> shared() {
        return List.copyOf(shared.values());
    }

    Tally tally() {
        return tally;
    }

    synchronized void begin(List<Pending> chunks, List<SharedRow> rows) {
        chunks.forEach(p -> pending.put(p.key(), p));
        rows.forEach(r -> shared.put(r.table() + "\u0000" + r.hash() + "\u0000" + r.rangeHex(), r));
        save();
    }

    synchronized void sharedDone(List<SharedRow> rows) {
        rows.forEach(r -> shared.remove(r.table() + "\u0000" + r.hash() + "\u0000" + r.rangeHex()));
        save();
    }

    /** Whether a tenant delete finished this index table ({@code <period from>/<table>}). */
    synchronized boolean tableDone(String table) {
        return doneTables.contains(table);
    }

    synchronized void tableFinished(String table) {
        doneTables.add(table);
        save();
    }

    synchronized void finish(List<String> keys) {
        keys.forEach(pending::remove);
        save();
    }

    /** Writes the file (no-op in memory). */
    synchronized void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = file.newDocument();
        ObjectNode r = root.putObject("run");
        new java.util.TreeMap<>(run).forEach(r::put);
        for (Pending p : pending.values()) {
            root.withArray("pending")
                    .addObject()
                    .put("key", p.key())
                    .put("table", p.table())
                    .put("periodFrom", p.periodFrom());
        }
        for (SharedRow x : shared.values()) {
            root.withArray("shared")
                    .addObject()
                    .put("periodFrom", x.periodFrom())
                    .put("table", x.table())
                    .put("hash", x.hash())
                    .put("range", x.rangeHex())
                    .put("series", x.series());
        }
        doneTables.forEach(root.withArray("doneTables")::add);
        root.set("counts", tally.toJson());
        file.write(root);
    }
}
