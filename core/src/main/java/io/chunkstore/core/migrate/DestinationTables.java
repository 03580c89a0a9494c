package io.chunkstore.core.migrate;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.spi.TableClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Creates the destination tables a migration writes to, once each, when they are missing: the index
 * tables of every period a chunk's range touches and the chunk table of the period owning its
 * {@code from}, provisioned as the destination's {@code table_manager} block describes active
 * tables. Historical tables are created on demand here because the table manager only creates
 * tables up to "now" and not before its retention period.
 */
public final class DestinationTables {
    private final SchemaConfig schema;
    private final Function<String, TableClient> tableClientOf;
    private final TableManagerConfig provisioning;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param schema the destination's schema config
     * @param tableClientOf the table client of a store name, or null for a store without tables
     *     (chunks in files)
     * @param provisioning the destination's table manager config ({@link
     *     TableManagerConfig#DEFAULT} if none)
     */
    public DestinationTables(
            SchemaConfig schema,
            Function<String, TableClient> tableClientOf,
            TableManagerConfig provisioning) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.tableClientOf = Objects.requireNonNull(tableClientOf, "tableClientOf");
        this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
    }

    /**
     * The tables a chunk is written to, as table name to the store name holding it, index tables
     * first.
     */
    public Map<String, Target> tablesFor(Chunk chunk) {
        Map<String, Target> out = new LinkedHashMap<>();
        for (PeriodRange pr : schema.split(chunk.from(), chunk.through())) {
            PeriodConfig p = pr.period();
            for (String t : p.index().tablesFor(pr.fromMs(), pr.throughMs())) {
                if (!t.isEmpty()) {
                    out.putIfAbsent(p.store() + "/" + t, new Target(p.store(), t, false, p));
                }
            }
        }
        schema.periodAt(chunk.from())
                .ifPresent(
                        p -> {
                            String t = p.chunks().tableFor(chunk.from());
                            if (!t.isEmpty()) {
                                out.putIfAbsent(
                                        p.objectStore() + "/" + t,
                                        new Target(p.objectStore(), t, true, p));
                            }
                        });
        return out;
    }

    /** One table to create: its store, name, kind and the period whose tags it carries. */
    public record Target(String store, String table, boolean chunkTable, PeriodConfig period) {}

    /**
     * Creates every missing table the chunks are written to (creating an existing table is a no-op
     * in every backend). Each table is created at most once per instance.
     *
     * @throws io.chunkstore.spi.StorageException when a create fails
     */
    public void ensure(List<ChunkCodec.Encoded> chunks) {
        for (ChunkCodec.Encoded c : chunks) {
            for (Map.Entry<String, Target> e : tablesFor(c.chunk()).entrySet()) {
                if (known.contains(e.getKey())) {
                    continue;
                }
                synchronized (locks.computeIfAbsent(e.getKey(), k -> new Object())) {
                    if (known.contains(e.getKey())) {
                        continue;
                    }
                    Target t = e.getValue();
                    TableClient client = tableClientOf.apply(t.store());
                    if (client != null) {
                        var prov =
                                t.chunkTable()
                                        ? provisioning.chunkTables()
                                        : provisioning.indexTables();
                        var tags =
                                t.chunkTable()
                                        ? t.period().chunks().tags()
                                        : t.period().index().tags();
                        client.createTable(prov.activeTable(t.table(), tags));
                    }
                    known.add(e.getKey());
                }
            }
        }
    }
}
