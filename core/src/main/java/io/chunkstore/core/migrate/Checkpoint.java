package io.chunkstore.core.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.core.checkpoint.CheckpointFile;
import io.chunkstore.core.migrate.MigrationPlan.RunIdentity;
import io.chunkstore.spi.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The record of a migration's progress, kept in a JSON file so a stopped or crashed run resumes
 * where it was: the run's parameters ({@link RunIdentity}), each finished shard with its counts and
 * failures, and for each shard in progress the last source key written (shards list their chunks in
 * key order, so a resumed shard continues after it). The file is a {@link CheckpointFile} of kind
 * {@code migrate}: every save replaces it whole, never torn, and a foreign or corrupt file is
 * refused. Progress inside a shard is saved at most once per {@link #progressInterval}; a finished
 * shard is saved at once. Whatever a crash loses is redone, which is harmless: writes are
 * content-addressed overwrites.
 *
 * <p>A checkpoint opened with other run parameters than it was written with is refused, naming each
 * difference. Thread-safe.
 */
public final class Checkpoint {
    /** The file format version written and accepted. */
    public static final int FORMAT = 1;

    /**
     * The {@code kind} member of its file; files written before it existed (format 1 without it)
     * are read too.
     */
    public static final String KIND = "migrate";

    private enum State {
        DONE,
        PARTIAL
    }

    private record Entry(State state, String lastKey, ShardStats stats) {}

    private final CheckpointFile file;
    private final RunIdentity identity;
    private final Map<String, Entry> shards = new TreeMap<>();
    private Duration progressInterval = Duration.ofSeconds(1);
    private long lastSaveNanos = System.nanoTime();
    private boolean dirty;
    private boolean readOnly;

    private Checkpoint(CheckpointFile file, RunIdentity identity) {
        this.file = file;
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** A checkpoint kept in memory only (no file): a run without {@code --checkpoint}. */
    public static Checkpoint inMemory(RunIdentity identity) {
        return new Checkpoint(null, identity);
    }

    /**
     * Opens the checkpoint file, or starts a new one when it does not exist (it is written on the
     * first save).
     *
     * @throws ConfigException when the file is unreadable, not a checkpoint, of another format
     *     version, or was written for a run with other parameters (the message names each
     *     difference)
     */
    public static Checkpoint open(Path file, RunIdentity identity) {
        CheckpointFile cf = new CheckpointFile(file, KIND, FORMAT).acceptingNoKind();
        Checkpoint c = new Checkpoint(cf, identity);
        ObjectNode root = cf.read().orElse(null);
        if (root == null) {
            return c;
        }
        RunIdentity recorded = readIdentity(root.get("run"), cf);
        List<String> diffs = recorded.differences(identity);
        if (!diffs.isEmpty()) {
            throw cf.otherRun(
                    "run",
                    diffs.stream()
                            .map(d -> d.replace(" vs ", " (checkpoint) vs ") + " (now)")
                            .toList());
        }
        JsonNode shards = root.path("shards");
        for (Iterator<Map.Entry<String, JsonNode>> it = shards.properties().iterator();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            State state;
            try {
                state = State.valueOf(s.path("state").asText());
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(
                        "checkpoint "
                                + file
                                + ": shard "
                                + e.getKey()
                                + " has unknown state "
                                + s.path("state"),
                        ex);
            }
            String lastKey = s.hasNonNull("lastKey") ? s.get("lastKey").asText() : null;
            c.shards.put(e.getKey(), new Entry(state, lastKey, readStats(s, e.getKey())));
        }
        return c;
    }

    private static RunIdentity readIdentity(JsonNode run, CheckpointFile file) {
        Map<String, String> tenants = new LinkedHashMap<>();
        run.path("tenants")
                .properties()
                .forEach(e -> tenants.put(e.getKey(), e.getValue().asText()));
        List<String> selectors = new ArrayList<>();
        run.path("selectors").forEach(n -> selectors.add(n.asText()));
        if (!run.has("from") || !run.has("to") || !run.has("shardByMs")) {
            throw new ConfigException(
                    "checkpoint " + file.path() + ": the run block lacks from, to or shardByMs");
        }
        return new RunIdentity(
                run.path("source").asText(),
                run.path("destination").asText(),
                run.get("from").asLong(),
                run.get("to").asLong(),
                tenants,
                selectors,
                run.get("shardByMs").asLong());
    }

    private static ShardStats readStats(JsonNode s, String shard) {
        ShardStats st = new ShardStats();
        st.found = s.path("found").asLong();
        st.copied = s.path("copied").asLong();
        st.bytes = s.path("bytes").asLong();
        st.verbatim = s.path("verbatim").asLong();
        st.rekeyed = s.path("rekeyed").asLong();
        st.reencoded = s.path("reencoded").asLong();
        st.skipped = s.path("skipped").asLong();
        st.filtered = s.path("filtered").asLong();
        st.verified = s.path("verified").asLong();
        for (JsonNode f : s.path("failures")) {
            st.failures.add(
                    new MigrationFailure(
                            shard,
                            textOrNull(f, "sourceKey"),
                            textOrNull(f, "destKey"),
                            MigrationFailure.Phase.valueOf(f.path("phase").asText("FETCH")),
                            f.path("reason").asText()));
        }
        return st;
    }

    private static String textOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** The file, or null for an in-memory checkpoint. */
    public Path file() {
        return file == null ? null : file.path();
    }

    public RunIdentity identity() {
        return identity;
    }

    /**
     * How often progress inside a shard is saved at most (finished shards are saved at once); 1 s
     * by default.
     */
    public synchronized Checkpoint progressInterval(Duration d) {
        this.progressInterval = Objects.requireNonNull(d, "interval");
        return this;
    }

    /** Never write the file (a dry run reads the checkpoint but leaves it alone). */
    synchronized void readOnly() {
        this.readOnly = true;
    }

    /** The ids of the finished shards. */
    public synchronized List<String> doneShards() {
        return shards.entrySet().stream()
                .filter(e -> e.getValue().state == State.DONE)
                .map(Map.Entry::getKey)
                .toList();
    }

    synchronized boolean isDone(String shardId) {
        Entry e = shards.get(shardId);
        return e != null && e.state == State.DONE;
    }

    /** The last source key written by a shard in progress, or null. */
    synchronized String resumeAfter(String shardId) {
        Entry e = shards.get(shardId);
        return e != null && e.state == State.PARTIAL ? e.lastKey : null;
    }

    /** The counts recorded for a shard (finished or in progress); empty counts when none. */
    synchronized ShardStats stats(String shardId) {
        Entry e = shards.get(shardId);
        return e == null ? new ShardStats() : e.stats.copy();
    }

    /**
     * Records that a shard wrote everything up to {@code lastKey}; saved when the interval has
     * passed.
     */
    synchronized void progress(String shardId, String lastKey, ShardStats stats) {
        shards.put(shardId, new Entry(State.PARTIAL, lastKey, stats.copy()));
        dirty = true;
        if (System.nanoTime() - lastSaveNanos >= progressInterval.toNanos()) {
            save();
        }
    }

    /** Records a finished shard and saves. */
    synchronized void done(String shardId, ShardStats stats) {
        shards.put(shardId, new Entry(State.DONE, null, stats.copy()));
        dirty = true;
        save();
    }

    /** Saves unsaved progress. */
    public synchronized void flush() {
        if (dirty) {
            save();
        }
    }

    private void save() {
        lastSaveNanos = System.nanoTime();
        if (file == null || readOnly) {
            dirty = false;
            return;
        }
        file.write(toJson());
        dirty = false;
    }

    private ObjectNode toJson() {
        ObjectNode root = file.newDocument();
        ObjectNode run = root.putObject("run");
        run.put("source", identity.source());
        run.put("destination", identity.destination());
        run.put("from", identity.from());
        run.put("to", identity.to());
        ObjectNode tenants = run.putObject("tenants");
        identity.tenants().forEach(tenants::put);
        ArrayNode selectors = run.putArray("selectors");
        identity.selectors().forEach(selectors::add);
        run.put("shardByMs", identity.shardByMs());
        ObjectNode out = root.putObject("shards");
        shards.forEach(
                (id, e) -> {
                    ObjectNode s = out.putObject(id);
                    s.put("state", e.state.name());
                    if (e.lastKey != null) {
                        s.put("lastKey", e.lastKey);
                    }
                    ShardStats st = e.stats;
                    s.put("found", st.found);
                    s.put("copied", st.copied);
                    s.put("bytes", st.bytes);
                    s.put("verbatim", st.verbatim);
                    s.put("rekeyed", st.rekeyed);
                    s.put("reencoded", st.reencoded);
                    s.put("skipped", st.skipped);
                    s.put("filtered", st.filtered);
                    s.put("verified", st.verified);
                    ArrayNode fs = s.putArray("failures");
                    for (MigrationFailure f : st.failures) {
                        ObjectNode fn = fs.addObject();
                        fn.put("phase", f.phase().name());
                        fn.put("sourceKey", f.sourceKey());
                        fn.put("destKey", f.destKey());
                        fn.put("reason", f.reason());
                    }
                });
        return root;
    }
}
