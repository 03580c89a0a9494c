package io.chunkstore.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The JSON file behind a {@code --checkpoint FILE} option: what {@code migrate}'s {@code
 * core.migrate.Checkpoint} and {@code delete}'s {@code core.purge.PurgeCheckpoint} share. Each
 * keeps its own content; this class reads and writes the file and owns the rules every checkpoint
 * follows:
 *
 * <ul>
 *   <li>The document is a JSON object with {@code kind} (which command wrote it), {@code format}
 *       (the version of its layout) and {@code run} (the parameters of the run it belongs to).
 *       Reading refuses a file that is not JSON, not an object, of another kind or of another
 *       format, with a message naming the file and what to do; a file that does not exist reads as
 *       none (a new run). Migrate checkpoints written before the {@code kind} member existed are
 *       read when the checkpoint is opened {@link #acceptingNoKind()}.
 *   <li>Writing never leaves a torn file: the document goes to a temporary file in the same folder,
 *       is forced to disk, renamed over the checkpoint (atomically where the file system can), and
 *       the folder is forced too so the rename survives a crash. A crash at any moment leaves
 *       either the previous checkpoint or the new one.
 *   <li>A checkpoint written for other run parameters is refused naming each difference ({@link
 *       #otherRun}).
 * </ul>
 *
 * Not thread-safe: its owners serialise their saves.
 */
public final class CheckpointFile {
    /** The largest file read as a checkpoint: a larger one is refused rather than read. */
    public static final long MAX_BYTES = 256L << 20;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path absolute;
    private final Path folder;
    private final String kind;
    private final int format;
    private final boolean noKindAccepted;

    /**
     * A checkpoint file (not opened yet).
     *
     * @param file the file, which need not exist
     * @param kind the command whose checkpoints it holds, e.g. {@code "migrate"}; its {@code kind}
     *     member
     * @param format the version of the layout written and accepted
     * @throws ConfigException when the path names a root directory
     */
    public CheckpointFile(Path file, String kind, int format) {
        this(file, kind, format, false);
    }

    private CheckpointFile(Path file, String kind, int format, boolean noKindAccepted) {
        this.file = Objects.requireNonNull(file, "file");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.format = format;
        this.noKindAccepted = noKindAccepted;
        this.absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new ConfigException(
                    "checkpoint " + file + " names a root directory, not a file in one");
        }
        this.folder = parent;
    }

    /**
     * This file, read also when it has no {@code kind} member (a checkpoint of this kind written
     * before the member existed) as long as it has {@code format} and {@code run}.
     */
    public CheckpointFile acceptingNoKind() {
        return new CheckpointFile(file, kind, format, true);
    }

    /** The file, as given. */
    public Path path() {
        return file;
    }

    /** A new document: an object holding {@code kind} and {@code format}, for the owner to fill. */
    public ObjectNode newDocument() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", kind);
        root.put("format", format);
        return root;
    }

    /**
     * Reads the file.
     *
     * @return the document, or empty when the file does not exist
     * @throws ConfigException when the file cannot be read, is larger than {@link #MAX_BYTES}, or
     *     is not a checkpoint of this kind and format (the message names the file and what to do)
     */
    public Optional<ObjectNode> read() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw notThisKind("larger than " + (MAX_BYTES >> 20) + " MiB", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            throw notThisKind("an empty file", null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            String detail =
                    e instanceof JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage();
            throw notThisKind("not JSON: " + detail, e);
        }
        if (root == null || !root.isObject()) {
            throw notThisKind("not a JSON object", null);
        }
        JsonNode k = root.get("kind");
        if (k == null && !noKindAccepted) {
            throw notThisKind("no kind: " + kind, null);
        }
        if (k != null && !kind.equals(k.asText())) {
            throw notThisKind("kind: " + k.asText(), null);
        }
        if (!root.has("format") || !root.has("run")) {
            throw notThisKind("no format/run members", null);
        }
        if (root.get("format").asInt() != format) {
            throw new ConfigException(
                    "checkpoint "
                            + file
                            + " has format "
                            + root.get("format")
                            + "; this version reads format "
                            + format);
        }
        return Optional.of((ObjectNode) root);
    }

    private ConfigException notThisKind(String why, Exception cause) {
        return new ConfigException(
                "checkpoint "
                        + file
                        + " is not a "
                        + kind
                        + " checkpoint ("
                        + why
                        + "); remove it or give another --checkpoint file",
                cause);
    }

    /**
     * Replaces the file with {@code document}: a temporary file next to it, forced to disk, renamed
     * over it, the folder forced (where the platform allows). Creates the folder when missing.
     *
     * @throws UncheckedIOException when it cannot be written (the temporary file is removed; the
     *     previous checkpoint is left as it was)
     */
    public void write(ObjectNode document) {
        Path tmp =
                folder.resolve(
                        "." + absolute.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            byte[] bytes = JSON.writeValueAsBytes(document);
            Files.createDirectories(folder);
            try (FileChannel ch =
                    FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(
                        tmp,
                        absolute,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; report that
            }
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e, e);
        }
        forceDirectory(folder);
    }

    /** Makes the rename durable; file systems and platforms that cannot open a folder skip it. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the file itself is already forced.
        }
    }

    /**
     * The refusal of a checkpoint written for another run.
     *
     * @param what what the checkpoint belongs to, as the message says it: "a different {@code
     *     what}"
     * @param differences each parameter that differs, as {@link #difference} words it
     */
    public ConfigException otherRun(String what, List<String> differences) {
        return new ConfigException(
                "checkpoint "
                        + file
                        + " belongs to a different "
                        + what
                        + ": "
                        + String.join("; ", differences)
                        + ". Rerun with the checkpoint's parameters to resume it, or give a new"
                        + " --checkpoint file");
    }

    /** One difference for {@link #otherRun}: {@code name recorded (checkpoint) vs now (now)}. */
    public static String difference(String name, Object recorded, Object now) {
        return name + " " + recorded + " (checkpoint) vs " + now + " (now)";
    }

    /**
     * The differences between two sets of run parameters kept as text, by name in name order; a
     * parameter missing on one side is {@code null} there.
     */
    public static List<String> differences(Map<String, String> recorded, Map<String, String> now) {
        TreeSet<String> names = new TreeSet<>(recorded.keySet());
        names.addAll(now.keySet());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!Objects.equals(recorded.get(n), now.get(n))) {
                out.add(difference(n, recorded.get(n), now.get(n)));
            }
        }
        return out;
    }
}
