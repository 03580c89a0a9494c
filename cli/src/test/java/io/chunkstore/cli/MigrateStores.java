package io.chunkstore.cli;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.migrate.DestinationTables;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.core.tables.TableManagerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import picocli.CommandLine;

/** Configs, generated data and whole-store dumps for the migrate command's tests. */
final class MigrateStores {
    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;
    static final long T0 =
            LocalDate.of(2024, 3, 4).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    static final String FROM = "2024-03-04T00:00:00Z";
    static final String TO = "2024-03-06T00:00:00Z";
    static final long TO_MS = T0 + 2 * DAY;

    private MigrateStores() {}

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** One period of a schema config. */
    record Period(String from, String store, String schema, String prefix) {
        String yaml(String indent) {
            return indent
                    + "- from: "
                    + from
                    + "\n"
                    + indent
                    + "  store: "
                    + store
                    + "\n"
                    + indent
                    + "  object_store: "
                    + store
                    + "\n"
                    + indent
                    + "  schema: "
                    + schema
                    + "\n"
                    + indent
                    + "  index: {prefix: "
                    + prefix
                    + "index_, period: 168h}\n"
                    + indent
                    + "  chunks: {prefix: "
                    + prefix
                    + "chunks_, period: 168h}\n";
        }
    }

    /** A Cortex config ({@code schema:}, {@code storage:}) with these periods and storage block. */
    static Path cortexConfig(Path file, String storageYaml, Period... periods) {
        StringBuilder sb = new StringBuilder("schema:\n  configs:\n");
        for (Period p : periods) {
            sb.append(p.yaml("    "));
        }
        sb.append("storage:\n").append(storageYaml.indent(2));
        return write(file, sb.toString());
    }

    /** A Loki config ({@code schema_config:}, {@code storage_config:}). */
    static Path lokiConfig(Path file, String storageYaml, Period... periods) {
        StringBuilder sb = new StringBuilder("schema_config:\n  configs:\n");
        for (Period p : periods) {
            sb.append(p.yaml("    "));
        }
        sb.append("storage_config:\n").append(storageYaml.indent(2));
        return write(file, sb.toString());
    }

    static String local(Path dir) {
        return "local:\n  directory: " + dir.toAbsolutePath() + "\n";
    }

    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * {@code series} Bigchunk series of {@code cpu_usage} and {@code mem_bytes} (labels job,
     * instance) for a tenant, each with consecutive chunks of 2-10 hours from {@code from} to
     * {@code through}.
     */
    static List<ChunkCodec.Encoded> generate(
            String tenant, int series, long from, long through, long seed) {
        Random rnd = new Random(seed);
        String[] jobs = {"api", "web", "db"};
        List<ChunkCodec.Encoded> out = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            Labels labels =
                    Labels.of(
                            "__name__",
                            i % 2 == 0 ? "cpu_usage" : "mem_bytes",
                            "job",
                            jobs[i % 3],
                            "instance",
                            "host-" + i);
            long t = from + rnd.nextInt((int) (2 * HOUR));
            while (t < through) {
                long end = Math.min(through, t + 2 * HOUR + (long) (rnd.nextDouble() * 8 * HOUR));
                List<Sample> samples = new ArrayList<>();
                for (long s = t; s <= end; s += Math.max(1, (end - t) / 15)) {
                    samples.add(new Sample(s, rnd.nextGaussian()));
                }
                out.add(ChunkCodec.encode(Chunk.fromSamples(tenant, labels, samples)));
                t = end + 60_000 + rnd.nextInt(600_000);
            }
        }
        return out;
    }

    /**
     * Writes chunks with their index into the store a config describes, creating the tables they
     * need.
     */
    static void put(Path config, List<ChunkCodec.Encoded> chunks) {
        ChunkstoreConfig c = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(c, new SimpleMeterRegistry(), null);
                CompositeStore store =
                        CompositeStore.builder(c.schemaConfig()).clients(b).build()) {
            new DestinationTables(c.schemaConfig(), b::tableClient, TableManagerConfig.DEFAULT)
                    .ensure(chunks);
            store.put(chunks);
        }
    }

    /** Runs {@code body} with the store a config describes open. */
    static <T> T withStore(Path config, java.util.function.Function<CompositeStore, T> body) {
        ChunkstoreConfig c = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(c, new SimpleMeterRegistry(), null);
                CompositeStore store =
                        CompositeStore.builder(c.schemaConfig()).clients(b).build()) {
            return body.apply(store);
        }
    }

    /**
     * Everything a (closed) local store holds: every row of every RocksDB column family (table) and
     * every chunk file, as sorted strings (chunk files by their SHA-256).
     */
    static Map<String, String> dumpLocal(Path dir) {
        Map<String, String> out = new TreeMap<>();
        HexFormat hex = HexFormat.of();
        Path index = dir.resolve("index");
        if (Files.isDirectory(index)) {
            RocksDB.loadLibrary();
            try (Options opts = new Options();
                    DBOptions dbOpts = new DBOptions()) {
                List<byte[]> names = RocksDB.listColumnFamilies(opts, index.toString());
                List<ColumnFamilyDescriptor> descs = new ArrayList<>();
                names.forEach(n -> descs.add(new ColumnFamilyDescriptor(n)));
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                try (RocksDB db = RocksDB.openReadOnly(dbOpts, index.toString(), descs, handles)) {
                    List<String> families =
                            names.stream()
                                    .map(
                                            n ->
                                                    new String(
                                                            n,
                                                            java.nio.charset.StandardCharsets
                                                                    .UTF_8))
                                    .toList();
                    int entries = families.indexOf("entries");
                    if (entries >= 0) {
                        // One family of every table's entries under its id prefix, the catalog
                        // (table:<name> ->
                        // prefix) in the default family: dumped as one row per table and key, as
                        // the layout with a
                        // family per table was, since ids depend on the order tables were created
                        // in.
                        Map<String, String> tableByPrefix = new java.util.HashMap<>();
                        try (RocksIterator it =
                                db.newIterator(handles.get(families.indexOf("default")))) {
                            for (it.seekToFirst(); it.isValid(); it.next()) {
                                String k =
                                        new String(
                                                it.key(), java.nio.charset.StandardCharsets.UTF_8);
                                if (k.startsWith("table:")) {
                                    tableByPrefix.put(hex.formatHex(it.value()), k);
                                }
                            }
                        }
                        try (RocksIterator it = db.newIterator(handles.get(entries))) {
                            for (it.seekToFirst(); it.isValid(); it.next()) {
                                byte[] key = it.key();
                                int n = 0;
                                while ((key[n] & 0x80) != 0) {
                                    n++;
                                }
                                String table = tableByPrefix.get(hex.formatHex(key, 0, n + 1));
                                if (table != null) { // entries of a table being dropped are not
                                    // contents
                                    out.put(
                                            "row "
                                                    + table
                                                    + " "
                                                    + hex.formatHex(key, n + 1, key.length),
                                            hex.formatHex(it.value()));
                                }
                            }
                        }
                    } else {
                        for (int i = 0; i < handles.size(); i++) {
                            try (RocksIterator it = db.newIterator(handles.get(i))) {
                                for (it.seekToFirst(); it.isValid(); it.next()) {
                                    out.put(
                                            "row "
                                                    + families.get(i)
                                                    + " "
                                                    + hex.formatHex(it.key()),
                                            hex.formatHex(it.value()));
                                }
                            }
                        }
                    }
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot read " + index + ": " + e.getMessage(), e);
            }
        }
        Path chunks = dir.resolve("chunks");
        if (Files.isDirectory(chunks)) {
            try (Stream<Path> files = Files.walk(chunks)) {
                // A process killed while writing a chunk leaves the local store's temporary file
                // behind (the chunk
                // itself is renamed into place whole, or not at all): not a chunk, so not part of
                // the contents.
                for (Path f :
                        files.filter(Files::isRegularFile)
                                .filter(
                                        f ->
                                                !f.getFileName()
                                                        .toString()
                                                        .startsWith(".chunkstore-tmp-"))
                                .toList()) {
                    byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                    out.put("chunk " + chunks.relativize(f), hex.formatHex(d));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** The chunk files of a local store. */
    static List<Path> chunkFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir.resolve("chunks"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
