package io.chunkstore.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Packs the items of a streamed response (index rows, chunks) into messages whose encoded size
 * never exceeds {@code maxBytes}: the Go client receives with grpc-go's default 4 MiB limit per
 * message. Sizes are computed exactly (each item is field 1 of its response message), so a message
 * may fill the limit to the byte.
 *
 * <p>A message is sent when the next item would not fit, when at least {@code targetBytes} are
 * buffered and the producer reaches a page boundary ({@link #flushIfAtTarget}), and at the end
 * ({@link #flush}). Not thread-safe.
 *
 * @param <E> the repeated item
 * @param <R> the response message
 */
final class MessageBatcher<E extends MessageLite, R> {
    private final int maxBytes;
    private final int targetBytes;
    private final Function<List<E>, R> wrap;
    private final Predicate<R> send;
    private List<E> items = new ArrayList<>();
    private long bytes;

    /**
     * @param send sends one message; returns false when the call is gone (the batcher then reports
     *     false too)
     */
    MessageBatcher(int maxBytes, int targetBytes, Function<List<E>, R> wrap, Predicate<R> send) {
        this.maxBytes = maxBytes;
        this.targetBytes = Math.min(targetBytes, maxBytes);
        this.wrap = wrap;
        this.send = send;
    }

    /** The encoded size of an item inside its response message: tag, length and the item. */
    static int fieldSize(MessageLite item) {
        return CodedOutputStream.computeMessageSize(1, item);
    }

    /**
     * Splits items into groups whose messages stay within {@code maxBytes}; an item too large for
     * any group travels alone (the receiver decides). Every group holds at least one item.
     */
    static <T extends MessageLite> List<List<T>> split(List<T> items, int maxBytes) {
        List<List<T>> groups = new ArrayList<>();
        List<T> group = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            int size = fieldSize(item);
            if (!group.isEmpty() && bytes + size > maxBytes) {
                groups.add(group);
                group = new ArrayList<>();
                bytes = 0;
            }
            group.add(item);
            bytes += size;
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /** Whether a message holding only this item stays within the limit. */
    boolean fitsAlone(E item) {
        return fieldSize(item) <= maxBytes;
    }

    int maxBytes() {
        return maxBytes;
    }

    /**
     * Adds an item that {@link #fitsAlone fits alone}, first sending what is buffered when the item
     * would not fit beside it. Returns false when a send failed because the call is gone.
     */
    boolean add(E item) {
        int size = fieldSize(item);
        if (size > maxBytes) {
            throw new IllegalArgumentException(
                    "item of " + size + " bytes exceeds the message limit " + maxBytes);
        }
        if (bytes + size > maxBytes && !flush()) {
            return false;
        }
        items.add(item);
        bytes += size;
        return true;
    }

    /** Sends what is buffered if it has reached the target size. */
    boolean flushIfAtTarget() {
        return bytes < targetBytes || flush();
    }

    /** Sends what is buffered, if anything. */
    boolean flush() {
        if (items.isEmpty()) {
            return true;
        }
        List<E> out = items;
        items = new ArrayList<>();
        bytes = 0;
        return send.test(wrap.apply(out));
    }
}
