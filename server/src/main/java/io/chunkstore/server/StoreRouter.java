package io.chunkstore.server;

import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.config.PeriodTables.Claim;
import io.chunkstore.core.config.PeriodTables.Role;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which store serves a gRPC request when the schema config's periods use different stores. The
 * grpc_store protocol carries table names and chunk keys, not store names, so:
 *
 * <ul>
 *   <li><b>index</b> requests (WriteIndex, QueryIndex, DeleteIndex) go to the {@code store} of the
 *       period whose index tables include the entry's or query's table name ({@link PeriodTables});
 *       a name no period owns goes to the newest period's {@code store};
 *   <li><b>chunk</b> requests go to the {@code object_store} of the period owning the chunk's
 *       {@code from} (parsed from its external key once per request, {@link #locate}), which is
 *       where Cortex and Loki put a chunk; a key that does not parse, or starts before the first
 *       period, is INVALID_ARGUMENT;
 *   <li><b>table</b> requests go to every store with a claim on the name (as index tables of a
 *       period's {@code store}, or as chunk tables of its {@code object_store}); a name no period
 *       owns goes to the newest period's {@code store}; ListTables is the sorted union of every
 *       store's tables.
 * </ul>
 *
 * A config in which one index table name would belong to periods on two different stores (a store
 * change inside a table period, with the same prefix) cannot be served this way: the constructor
 * refuses it, naming the periods.
 */
public final class StoreRouter {
    private final SchemaConfig schema;
    private final PeriodTables tables;
    private final PeriodConfig newest;

    /**
     * @throws ConfigException when an index table name belongs to periods on different stores
     */
    public StoreRouter(SchemaConfig schema) {
        this.schema = schema;
        this.tables = new PeriodTables(schema);
        this.newest = schema.periods().get(schema.periods().size() - 1);
        List<Claim[]> conflicts = tables.conflicts(Role.INDEX, Claim::store);
        if (!conflicts.isEmpty()) {
            Claim[] c = conflicts.get(0);
            throw new ConfigException(
                    "cannot serve this schema config over grpc_store: index tables "
                            + c[0].describe()
                            + " of the period from "
                            + c[0].period().from()
                            + " (store "
                            + c[0].store()
                            + ") and "
                            + c[1].describe()
                            + " of the period from "
                            + c[1].period().from()
                            + " (store "
                            + c[1].store()
                            + ") share names, and a gRPC request names only the table; start the later"
                            + " period on a table boundary or give it another index prefix");
        }
    }

    public SchemaConfig schema() {
        return schema;
    }

    /** The store names the config uses, index stores first, in period order. */
    public List<String> stores() {
        Set<String> out = new LinkedHashSet<>();
        schema.periods().forEach(p -> out.add(p.store()));
        schema.periods().forEach(p -> out.add(p.objectStore()));
        return new ArrayList<>(out);
    }

    /** The store keeping an index table. */
    public String indexStore(String table) {
        List<Claim> owners = tables.owners(table, Role.INDEX);
        return owners.isEmpty() ? newest.store() : owners.get(0).store();
    }

    /** Where a chunk lives: the store keeping it and its chunk table. */
    public record ChunkPlace(String store, String table) {}

    /**
     * Where a chunk lives, from one parse of its key: the object store of the period owning the
     * key's {@code from}, and Cortex's {@code ChunkTableFor} of that time ({@link
     * SchemaConfig#chunkTableFor}), which is also how the Go client chose the table name it sends.
     *
     * @throws InvalidRequestException when the key does not parse or its time is before the first
     *     period
     */
    public ChunkPlace locate(String externalKey) {
        long from;
        try {
            from = ChunkRef.parse(externalKey).from();
        } catch (InvalidChunkException | IllegalArgumentException e) {
            throw new InvalidRequestException(
                    "chunk key '" + externalKey + "' does not parse: " + e.getMessage(), e);
        }
        PeriodConfig owner =
                schema.periodAt(from)
                        .orElseThrow(
                                () ->
                                        new InvalidRequestException(
                                                "chunk key '"
                                                        + externalKey
                                                        + "' starts before the first schema period ("
                                                        + schema.periods().get(0).from()
                                                        + ")"));
        return new ChunkPlace(owner.objectStore(), schema.chunkTableFor(from));
    }

    /**
     * The chunk table of a key (its {@link #locate} table): what DeleteChunks, which carries only
     * the chunk id, passes to the backend when one store serves every period.
     *
     * @throws InvalidRequestException when the key does not parse or starts before the first period
     */
    public String chunkTableFor(String externalKey) {
        return locate(externalKey).table();
    }

    /**
     * The stores with a claim on a table name, index claims first; the newest index store when none
     * has.
     */
    public List<String> tableStores(String table) {
        Set<String> out = new LinkedHashSet<>();
        tables.owners(table, Role.INDEX).forEach(c -> out.add(c.store()));
        tables.owners(table, Role.CHUNKS).forEach(c -> out.add(c.store()));
        if (out.isEmpty()) {
            out.add(newest.store());
        }
        return new ArrayList<>(out);
    }
}
