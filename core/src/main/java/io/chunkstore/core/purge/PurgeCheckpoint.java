package io.chunkstore.core.purge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The record of a purge in progress, in a JSON file, so a stopped or crashed run resumes: the run's
 * parameters, the running counts, and the chunks whose removal has begun (saved before their first
 * index entry is deleted, cleared once their objects are gone). A chunk's index entries are
 * computed from its labels, which live in the chunk, so a run interrupted between deleting the
 * index entries and the chunk would otherwise leave an object nothing points at: the resumed run
 * finishes these first. Everything else a resumed run simply finds again through the index, since
 * deletes are idempotent. Saved like migrate's checkpoint: a temporary file, forced to disk,
 * renamed over the old one.
 */
public final class PurgeCheckpoint {
    /** The file format version written and accepted. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    private final Path file;
    private final Map<String, String> run;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, SharedRow> shared = new LinkedHashMap<>();
    private final java.util.Set<String> doneTables = new java.util.TreeSet<>();
    private final Tally tally = new Tally();

    private PurgeCheckpoint(Path file, Map<String, String> run) {
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
        PurgeCheckpoint c = new PurgeCheckpoint(Objects.requireNonNull(file, "file"), run);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return c;
        } catch (IOException e) {
            throw new ConfigException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    "checkpoint "
                            + file
                            + " is not a delete checkpoint (not JSON); remove it or"
                            + " give another --checkpoint file",
                    e);
        }
        if (root == null || !"delete".equals(root.path("kind").asText())) {
            throw new ConfigException(
                    "checkpoint "
                            + file
                            + " is not a delete checkpoint (no kind: delete); remove it or give"
                            + " another --checkpoint file");
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new ConfigException(
                    "checkpoint "
                            + file
                            + " has format "
                            + root.path("format")
                            + "; this version reads format "
                            + FORMAT);
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("run").properties().iterator();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            recorded.put(e.getKey(), e.getValue().asText());
        }
        List<String> diffs = new ArrayList<>();
        for (String k : new java.util.TreeSet<>(union(recorded, c.run))) {
            String was = recorded.get(k);
            String now = c.run.get(k);
            if (!Objects.equals(was, now)) {
                diffs.add(k + " " + was + " (checkpoint) vs " + now + " (now)");
            }
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException(
                    "checkpoint "
                            + file
                            + " belongs to a different delete: "
                            + String.join("; ", diffs)
                            + ". Rerun with the checkpoint's parameters to resume it, or give a new"
                            + " --checkpoint file");
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

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    /** The file, or null for an in-memory checkpoint. */
    public Path file() {
        return file;
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
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", "delete");
        root.put("format", FORMAT);
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
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            byte[] bytes = JSON.writeValueAsBytes(root);
            try (FileChannel ch =
                    FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(
                        tmp,
                        abs,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }
}
