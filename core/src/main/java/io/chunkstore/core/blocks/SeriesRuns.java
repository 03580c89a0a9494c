package io.chunkstore.core.blocks;

import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A block's series list kept in bounded memory: series are buffered up to a limit, then sorted (in
 * Prometheus' order) and written to a run file; iterating merges the runs and the buffer into one
 * sorted stream, as often as the index writer and --verify need it. Two entries with the same
 * labels are refused.
 */
final class SeriesRuns implements Iterable<SeriesRuns.Entry>, AutoCloseable {
    /** One series: labels, chunk metas, sample count and checksum. */
    record Entry(Labels labels, List<ChunkMeta> chunks, long samples, int checksum) {}

    private final Path dir;
    private final int limit;
    private final List<Entry> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private boolean sealed;
    private long size;

    /**
     * @param dir where run files go (created when the first run is written)
     * @param limit series held in memory before a run is written
     */
    SeriesRuns(Path dir, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("spill limit must be at least 1, not " + limit);
        }
        this.dir = dir;
        this.limit = limit;
    }

    void add(Entry e) {
        if (sealed) {
            throw new IllegalStateException("series list already read");
        }
        buffer.add(e);
        size++;
        if (buffer.size() >= limit) {
            spill();
        }
    }

    long size() {
        return size;
    }

    /** Run files written so far. */
    int runCount() {
        return runs.size();
    }

    private void spill() {
        buffer.sort((a, b) -> Labels.ORDER.compare(a.labels(), b.labels()));
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve("run-" + runs.size());
            try (DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
                for (Entry e : buffer) {
                    out.writeBoolean(true);
                    out.writeInt(e.labels().size());
                    for (Label l : e.labels()) {
                        writeString(out, l.name());
                        writeString(out, l.value());
                    }
                    out.writeInt(e.chunks().size());
                    for (ChunkMeta c : e.chunks()) {
                        out.writeLong(c.minTime());
                        out.writeLong(c.maxTime());
                        out.writeLong(c.ref());
                    }
                    out.writeLong(e.samples());
                    out.writeInt(e.checksum());
                }
                out.writeBoolean(false);
            }
            runs.add(f);
            buffer.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill the series list to " + dir + ": " + e, e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Every series in Prometheus' order: the merged runs and buffer. The first call seals the list.
     *
     * @throws IllegalArgumentException (from the iterator) when two series have the same labels
     */
    @Override
    public Iterator<Entry> iterator() {
        if (!sealed) {
            sealed = true;
            buffer.sort((a, b) -> Labels.ORDER.compare(a.labels(), b.labels()));
        }
        List<Iterator<Entry>> sources = new ArrayList<>();
        sources.add(buffer.iterator());
        for (Path r : runs) {
            sources.add(new RunReader(r));
        }
        return new Merge(sources);
    }

    @Override
    public void close() {
        for (Path r : runs) {
            try {
                Files.deleteIfExists(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + r + ": " + e, e);
            }
        }
        try {
            if (Files.isDirectory(dir)) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e, e);
        }
    }

    /** One run file, read entry by entry. */
    private static final class RunReader implements Iterator<Entry> {
        private final DataInputStream in;
        private Entry next;
        private final Path file;

        RunReader(Path file) {
            this.file = file;
            try {
                in =
                        new DataInputStream(
                                new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e, e);
            }
            advance();
        }

        private void advance() {
            try {
                if (!in.readBoolean()) {
                    next = null;
                    in.close();
                    return;
                }
                int n = in.readInt();
                List<Label> labels = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    labels.add(new Label(readString(in), readString(in)));
                }
                int c = in.readInt();
                List<ChunkMeta> metas = new ArrayList<>(c);
                for (int i = 0; i < c; i++) {
                    metas.add(new ChunkMeta(in.readLong(), in.readLong(), in.readLong()));
                }
                next = new Entry(Labels.of(labels), metas, in.readLong(), in.readInt());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e, e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Entry e = next;
            advance();
            return e;
        }
    }

    /** A k-way merge of sorted iterators, refusing equal labels. */
    private static final class Merge implements Iterator<Entry> {
        private record Head(Entry entry, Iterator<Entry> source) {}

        private final PriorityQueue<Head> heap =
                new PriorityQueue<>(
                        (a, b) -> Labels.ORDER.compare(a.entry().labels(), b.entry().labels()));
        private Labels previous;

        Merge(List<Iterator<Entry>> sources) {
            for (Iterator<Entry> s : sources) {
                if (s.hasNext()) {
                    heap.add(new Head(s.next(), s));
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !heap.isEmpty();
        }

        @Override
        public Entry next() {
            Head h = heap.poll();
            if (h == null) {
                throw new NoSuchElementException();
            }
            if (h.source().hasNext()) {
                heap.add(new Head(h.source().next(), h.source()));
            }
            Entry e = h.entry();
            if (previous != null && Labels.ORDER.compare(previous, e.labels()) == 0) {
                throw new IllegalArgumentException("series added twice: " + e.labels());
            }
            previous = e.labels();
            return e;
        }
    }
}
