package io.chunkstore.bigtable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.api.core.ApiFuture;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.admin.v2.models.ModifyColumnFamiliesRequest;
import com.google.cloud.bigtable.admin.v2.models.Table;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableClient;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.TableStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Tables as Cortex manages them on Bigtable: a table is created with the single column family
 * {@code f} (with an optional max-versions GC rule, none by default), listing keeps only tables
 * that have family {@code f} (which tables have it is cached per table, {@code table_cache_enabled}
 * / {@code table_cache_expiration}, 30 minutes by default), describe reports an existing table as
 * active with its name only, update is a no-op.
 */
final class BigtableTableClient implements TableClient {
    private final BigtableTableAdminClient admin;

    /** Table name to whether it has family {@code f}; null when the cache is off. */
    private final Cache<String, Boolean> hasFamily;

    private final int gcMaxVersions;

    BigtableTableClient(
            BigtableTableAdminClient admin,
            boolean cacheEnabled,
            Duration cacheExpiration,
            int gcMaxVersions) {
        this.admin = admin;
        this.hasFamily =
                cacheEnabled
                        ? Caffeine.newBuilder().expireAfterWrite(cacheExpiration).build()
                        : null;
        this.gcMaxVersions = gcMaxVersions;
    }

    private static boolean hasFamily(Table t) {
        for (ColumnFamily f : t.getColumnFamilies()) {
            if (IndexLayout.FAMILY.equals(f.getId())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<String> listTables() {
        List<String> names;
        try {
            names = admin.listTables();
        } catch (RuntimeException e) {
            throw BigtableErrors.map(e, "listing tables", "(all)");
        }
        Map<String, ApiFuture<Table>> lookups = new LinkedHashMap<>();
        List<String> ours = new ArrayList<>();
        for (String n : names) {
            Boolean cached = hasFamily == null ? null : hasFamily.getIfPresent(n);
            if (cached == null) {
                lookups.put(n, admin.getTableAsync(n));
            } else if (cached) {
                ours.add(n);
            }
        }
        for (Map.Entry<String, ApiFuture<Table>> l : lookups.entrySet()) {
            try {
                boolean has = hasFamily(l.getValue().get());
                if (hasFamily != null) {
                    hasFamily.put(l.getKey(), has);
                }
                if (has) {
                    ours.add(l.getKey());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while listing Bigtable tables", e);
            } catch (ExecutionException e) {
                if (!BigtableErrors.isNotFound(
                        e)) { // deleted since it was listed: not ours any more
                    throw BigtableErrors.map(e, "describing table", l.getKey());
                }
            }
        }
        ours.sort(null);
        return ours;
    }

    private GCRules.GCRule gcRule() {
        return gcMaxVersions > 0
                ? GCRules.GCRULES.maxVersions(gcMaxVersions)
                : GCRules.GCRULES.defaultRule();
    }

    @Override
    public void createTable(TableDesc desc) {
        String name = desc.name();
        invalidate(name);
        try {
            admin.createTable(CreateTableRequest.of(name).addFamily(IndexLayout.FAMILY, gcRule()));
            return;
        } catch (RuntimeException e) {
            if (!BigtableErrors.isAlreadyExists(e)) {
                throw BigtableErrors.map(e, "creating table", name);
            }
        }
        // It exists: make sure it has the family, as Cortex does (AlreadyExists on the family is
        // fine too).
        try {
            if (!hasFamily(admin.getTable(name))) {
                admin.modifyFamilies(
                        ModifyColumnFamiliesRequest.of(name)
                                .addFamily(IndexLayout.FAMILY, gcRule()));
            }
        } catch (RuntimeException e) {
            if (!BigtableErrors.isAlreadyExists(e)) {
                throw BigtableErrors.map(e, "adding column family " + IndexLayout.FAMILY, name);
            }
        }
    }

    @Override
    public void deleteTable(String name) {
        invalidate(name);
        try {
            admin.deleteTable(name);
        } catch (RuntimeException e) {
            if (!BigtableErrors.isNotFound(e)) {
                throw BigtableErrors.map(e, "deleting table", name);
            }
        }
    }

    @Override
    public TableStatus describeTable(String name) {
        try {
            admin.getTable(name);
        } catch (RuntimeException e) {
            if (BigtableErrors.isNotFound(e)) {
                throw new TableNotFoundException(name, e);
            }
            throw BigtableErrors.map(e, "describing table", name);
        }
        return new TableStatus(TableDesc.named(name), true);
    }

    /**
     * Bigtable tables have no throughput, billing mode or tags to update: a no-op, as in Cortex.
     */
    @Override
    public void updateTable(TableDesc current, TableDesc expected) {
        // nothing to change
    }

    private void invalidate(String name) {
        if (hasFamily != null) {
            hasFamily.invalidate(name);
        }
    }

    @Override
    public void close() {
        // The admin client belongs to the backend.
    }
}
