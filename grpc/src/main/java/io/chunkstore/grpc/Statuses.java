package io.chunkstore.grpc;

import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidQueryException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.NotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.StorageFullException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The error mapping of the protocol, both ways. Server side, every SPI error becomes a status code
 * a client can act on (see {@link #code}); client side, every status code becomes the SPI's typed
 * error again (see {@link #toException}). Three optional trailers carry what a code alone cannot:
 * the missing table of a NOT_FOUND, the keys of chunks too large to stream, and the chunks a
 * partial PutChunks did not write. Go clients ignore them.
 */
final class Statuses {
    /** Trailer naming the table of a {@link TableNotFoundException}. */
    static final Metadata.Key<String> MISSING_TABLE =
            Metadata.Key.of("chunkstore-missing-table", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * Trailer (one value per chunk, UTF-8) naming each chunk too large for one response message.
     */
    static final Metadata.Key<byte[]> TOO_LARGE_CHUNK =
            Metadata.Key.of("chunkstore-too-large-chunk-bin", Metadata.BINARY_BYTE_MARSHALLER);

    /**
     * Trailer (one value per chunk, UTF-8) naming every chunk of a PutChunks that was not written
     * when the store wrote the others ({@link ChunkWriteException}); absent when they are too many
     * to list, and the client then counts the whole request as not written.
     */
    static final Metadata.Key<byte[]> NOT_WRITTEN_CHUNK =
            Metadata.Key.of("chunkstore-not-written-chunk-bin", Metadata.BINARY_BYTE_MARSHALLER);

    /**
     * Trailer set (to {@code full}) when a RESOURCE_EXHAUSTED is a full disk of the store ({@link
     * StorageFullException}) rather than throttling, so the Java client raises the same type and
     * does not retry it as throttling.
     */
    static final Metadata.Key<String> STORAGE_FULL =
            Metadata.Key.of("chunkstore-storage-full", Metadata.ASCII_STRING_MARSHALLER);

    /** Whether {@code t} or one of its causes is a {@link StorageFullException}. */
    static boolean isStorageFull(Throwable t) {
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof StorageFullException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Descriptions travel in a header; keep them well under the 8 KiB grpc-java reads by default.
     */
    static final int MAX_DESCRIPTION = 2000;

    /**
     * At most this many too-large keys in the trailer (they are rare; the header must stay small).
     */
    static final int MAX_TOO_LARGE_KEYS = 20;

    /**
     * At most this many not-written keys in the trailer (Cortex keys are about 60 bytes; 8 KiB of
     * headers).
     */
    static final int MAX_NOT_WRITTEN_KEYS = 40;

    private Statuses() {}

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The status code for an error raised while serving a call.
     *
     * <ul>
     *   <li>{@link InvalidRequestException} (incl. {@link InvalidQueryException}), an unparsable
     *       chunk key: INVALID_ARGUMENT
     *   <li>{@link NotFoundException} (table, chunk, object): NOT_FOUND
     *   <li>{@link ThrottledException}, {@link StorageFullException} (a full disk; with the {@link
     *       #STORAGE_FULL} trailer): RESOURCE_EXHAUSTED
     *   <li>{@link UnavailableException}, and any other retryable {@link StorageException}:
     *       UNAVAILABLE
     *   <li>{@link ChunkFetchException}: NOT_FOUND when every failure is a missing chunk; else the
     *       code of the first failure that is neither missing nor too large; else
     *       FAILED_PRECONDITION
     *   <li>a chunk or row too large for one message ({@link InvalidChunkException} {@code
     *       TOO_LARGE}, {@link MessageTooLargeException}): FAILED_PRECONDITION
     *   <li>other {@link InvalidChunkException}: DATA_LOSS
     *   <li>{@link IndexWriteException}: its cause's code
     *   <li>{@link ChunkWriteException}: the code of its first not-written chunk's error
     *   <li>{@link UnsupportedOperationException} (the store lacks that client): UNIMPLEMENTED
     *   <li>anything else: INTERNAL
     * </ul>
     */
    static Status.Code code(Throwable t) {
        t = unwrap(t);
        if (t instanceof StatusRuntimeException s) {
            return s.getStatus().getCode();
        }
        if (t instanceof StatusException s) {
            return s.getStatus().getCode();
        }
        if (t instanceof ChunkFetchException f) {
            return fetchCode(f);
        }
        if (t instanceof IndexWriteException w) {
            return w.getCause() == null ? Status.Code.INTERNAL : code(w.getCause());
        }
        if (t instanceof ChunkWriteException w) {
            return code(w.getCause());
        }
        if (t instanceof InvalidChunkException c) {
            return switch (c.reason()) {
                case TOO_LARGE -> Status.Code.FAILED_PRECONDITION;
                case INVALID_KEY -> Status.Code.INVALID_ARGUMENT;
                default -> Status.Code.DATA_LOSS;
            };
        }
        if (t instanceof MessageTooLargeException) {
            return Status.Code.FAILED_PRECONDITION;
        }
        if (t instanceof InvalidRequestException) {
            return Status.Code.INVALID_ARGUMENT;
        }
        if (t instanceof NotFoundException) {
            return Status.Code.NOT_FOUND;
        }
        if (t instanceof ThrottledException || t instanceof StorageFullException) {
            // A full disk: Go clients see ResourceExhausted, as for a full quota, not Internal.
            return Status.Code.RESOURCE_EXHAUSTED;
        }
        if (t instanceof UnavailableException) {
            return Status.Code.UNAVAILABLE;
        }
        if (t instanceof UnsupportedOperationException) {
            return Status.Code.UNIMPLEMENTED;
        }
        if (t instanceof StorageException s && s.isRetryable()) {
            return Status.Code.UNAVAILABLE;
        }
        return Status.Code.INTERNAL;
    }

    private static Status.Code fetchCode(ChunkFetchException f) {
        boolean tooLarge = false;
        for (StorageException e : f.failures().values()) {
            if (e instanceof ChunkNotFoundException) {
                continue;
            }
            if (isTooLarge(e)) {
                tooLarge = true;
                continue;
            }
            return code(e);
        }
        return tooLarge ? Status.Code.FAILED_PRECONDITION : Status.Code.NOT_FOUND;
    }

    static boolean isTooLarge(Throwable e) {
        return e instanceof InvalidChunkException c
                && c.reason() == InvalidChunkException.Reason.TOO_LARGE;
    }

    /**
     * The status (code, description, cause) and the trailers for an error raised while serving a
     * call.
     */
    static StatusRuntimeException toStatus(Throwable t) {
        return toStatus(t, null);
    }

    /**
     * As {@link #toStatus(Throwable)}, with a description of the caller's own instead of the
     * error's message.
     */
    static StatusRuntimeException toStatus(Throwable t, String descriptionOrNull) {
        t = unwrap(t);
        if (t instanceof StatusRuntimeException s) {
            return s;
        }
        Metadata trailers = new Metadata();
        if (t instanceof TableNotFoundException m
                && m.tableName() != null
                && isAscii(m.tableName())) {
            trailers.put(MISSING_TABLE, m.tableName());
        }
        if (t instanceof IndexWriteException w
                && w.getCause() instanceof TableNotFoundException m
                && m.tableName() != null
                && isAscii(m.tableName())) {
            trailers.put(MISSING_TABLE, m.tableName());
        }
        if (isStorageFull(t)) {
            trailers.put(STORAGE_FULL, "full");
        }
        if (isTooLarge(t) && ((InvalidChunkException) t).key() != null) {
            trailers.put(
                    TOO_LARGE_CHUNK,
                    ((InvalidChunkException) t).key().getBytes(StandardCharsets.UTF_8));
        }
        if (t instanceof ChunkWriteException w && w.notWritten().size() <= MAX_NOT_WRITTEN_KEYS) {
            w.keys()
                    .forEach(
                            k ->
                                    trailers.put(
                                            NOT_WRITTEN_CHUNK, k.getBytes(StandardCharsets.UTF_8)));
        }
        if (t instanceof ChunkFetchException f) {
            f.failures().entrySet().stream()
                    .filter(e -> isTooLarge(e.getValue()))
                    .limit(MAX_TOO_LARGE_KEYS)
                    .forEach(
                            e ->
                                    trailers.put(
                                            TOO_LARGE_CHUNK,
                                            e.getKey().getBytes(StandardCharsets.UTF_8)));
        }
        String description =
                descriptionOrNull != null
                        ? descriptionOrNull
                        : t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        return Status.fromCode(code(t))
                .withDescription(truncate(description))
                .withCause(t)
                .asRuntimeException(trailers);
    }

    static String truncate(String s) {
        return s.length() <= MAX_DESCRIPTION
                ? s
                : s.substring(0, MAX_DESCRIPTION) + "... (truncated)";
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** A one-line account of an error and its causes, for the server's log line per failed call. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t;
                c != null && depth < 5;
                c = c.getCause() == c ? null : c.getCause(), depth++) {
            if (depth > 0) {
                sb.append("; caused by ");
            }
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    // ---- client side

    /** What the client was doing, for messages and for the type of error to raise. */
    enum Call {
        INDEX_WRITE,
        INDEX_QUERY,
        CHUNKS,
        TABLES
    }

    /**
     * The SPI error for a failed call: INVALID_ARGUMENT → {@link InvalidRequestException} ({@link
     * InvalidQueryException} for queries), NOT_FOUND → {@link TableNotFoundException} when the
     * table is known (trailer or argument), else {@link NotFoundException}, RESOURCE_EXHAUSTED →
     * {@link ThrottledException}, UNAVAILABLE / DEADLINE_EXCEEDED / ABORTED / CANCELLED → {@link
     * UnavailableException}, anything else → {@link StorageException} (also a RESOURCE_EXHAUSTED
     * that is a message size limit, not throttling).
     *
     * @param table the table the call was about, when there is exactly one (or null)
     */
    static StorageException toException(
            StatusRuntimeException e, String rpc, Call call, String table) {
        Status s = e.getStatus();
        String desc = s.getDescription() == null ? "" : s.getDescription();
        String message =
                "grpc_store "
                        + rpc
                        + " failed with "
                        + s.getCode()
                        + (desc.isEmpty() ? "" : ": " + desc);
        Metadata trailers = e.getTrailers();
        return switch (s.getCode()) {
            case INVALID_ARGUMENT ->
                    call == Call.INDEX_QUERY
                            ? new InvalidQueryException(message, e)
                            : new InvalidRequestException(message, e);
            case NOT_FOUND -> {
                String missing = trailers == null ? null : trailers.get(MISSING_TABLE);
                if (missing == null && call == Call.INDEX_QUERY
                        || missing == null && call == Call.TABLES) {
                    missing = table;
                }
                yield missing != null
                        ? new TableNotFoundException(missing, e)
                        : new NotFoundException(message, e);
            }
            case RESOURCE_EXHAUSTED ->
                    isMessageSizeLimit(desc)
                            ? new StorageException(
                                    message
                                            + " (a message exceeded a gRPC size limit: raise the receiver's"
                                            + " max message size, or lower the sender's; retrying cannot help)",
                                    e)
                            : trailers != null && trailers.get(STORAGE_FULL) != null
                                    ? new StorageFullException(message, e)
                                    : new ThrottledException(message, e);
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, CANCELLED ->
                    new UnavailableException(message, e);
            default -> new StorageException(message, e);
        };
    }

    /**
     * gRPC reports a message over the receiver's size limit as RESOURCE_EXHAUSTED too (grpc-java
     * "gRPC message exceeds maximum size", grpc-go "received message larger than max"); that is no
     * throttling.
     */
    static boolean isMessageSizeLimit(String description) {
        return description.contains("exceeds maximum size")
                || description.contains("larger than max");
    }

    /** The keys named by the too-large trailer of a failed GetChunks or PutChunks. */
    static List<String> tooLargeKeys(StatusRuntimeException e) {
        return keys(e, TOO_LARGE_CHUNK);
    }

    /** The keys a failed PutChunks names as not written (empty when it does not say). */
    static List<String> notWrittenKeys(StatusRuntimeException e) {
        return keys(e, NOT_WRITTEN_CHUNK);
    }

    private static List<String> keys(StatusRuntimeException e, Metadata.Key<byte[]> trailer) {
        Metadata trailers = e.getTrailers();
        if (trailers == null) {
            return List.of();
        }
        Iterable<byte[]> values = trailers.getAll(trailer);
        if (values == null) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        values.forEach(v -> out.add(new String(v, StandardCharsets.UTF_8)));
        return out;
    }
}
