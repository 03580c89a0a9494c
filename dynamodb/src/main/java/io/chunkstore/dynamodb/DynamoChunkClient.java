package io.chunkstore.dynamodb;

import io.chunkstore.dynamodb.BatchGetter.ItemKey;
import io.chunkstore.spi.ChunkClient;
import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.support.Parallel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Chunks in DynamoDB ({@code aws-dynamo}): one item {@code {h: external key, r: "c", c: bytes}} per
 * chunk, as Cortex writes it, or, above the 400 KB item limit, a head item and parts (see {@link
 * Layout}). Puts go through {@link BatchWriter} (parts first, the head last, so a reader never
 * finds a head without its parts); gets run in gangs of {@code chunk_gang_size} x 100 keys, at most
 * {@code chunk_get_max_parallelism} gangs at once; a chunk whose head item is absent is reported as
 * {@link ChunkNotFoundException}.
 */
final class DynamoChunkClient implements ChunkClient {
    private final DynamoDbAsyncClient client;
    private final Calls calls;
    private final BatchWriter writer;
    private final Executor executor;
    private final int gangSize;
    private final int maxParallelism;
    private final boolean consistentReads;

    DynamoChunkClient(
            DynamoDbAsyncClient client,
            Calls calls,
            BatchWriter writer,
            Executor executor,
            int gangSize,
            int maxParallelism,
            boolean consistentReads) {
        this.client = client;
        this.calls = calls;
        this.writer = writer;
        this.executor = executor;
        this.gangSize = gangSize;
        this.maxParallelism = maxParallelism;
        this.consistentReads = consistentReads;
    }

    // ---- put

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        List<WriteOp> ops = new ArrayList<>();
        Map<String, StorageException> rejected = new LinkedHashMap<>();
        for (EncodedChunk c : chunks) {
            if (!TableNames.isValid(c.tableName())) {
                rejected.put(c.key(), invalidTable(c.tableName()));
                continue;
            }
            if (c.key().isEmpty()) {
                rejected.put(
                        c.key(),
                        new InvalidRequestException("a chunk needs a non-empty external key"));
                continue;
            }
            if (c.encoded().length > Layout.MAX_CHUNK_SIZE) {
                rejected.put(
                        c.key(),
                        new InvalidChunkException(
                                InvalidChunkException.Reason.TOO_LARGE,
                                c.key(),
                                c.encoded().length
                                        + " bytes; the DynamoDB backend stores chunks up to "
                                        + Layout.MAX_CHUNK_SIZE
                                        + " bytes"));
                continue;
            }
            ChunkLocation group = c.location();
            for (Layout.ChunkItem item : Layout.chunkItems(c.key(), c.encoded())) {
                ops.add(
                        WriteOp.put(
                                c.tableName(),
                                c.key(),
                                item.range(),
                                item.item(),
                                group,
                                group,
                                item.head() ? 1 : 0));
            }
        }
        Map<WriteOp, StorageException> failed = writer.write(ops);
        Map<String, StorageException> notWritten = new LinkedHashMap<>(rejected);
        for (Map.Entry<WriteOp, StorageException> f : failed.entrySet()) {
            notWritten.putIfAbsent(((ChunkLocation) f.getKey().origin()).key(), f.getValue());
        }
        ChunkWriteException.check("putChunks to DynamoDB", chunks, notWritten);
    }

    private static InvalidRequestException invalidTable(String table) {
        try {
            TableNames.check(table);
            throw new IllegalStateException("valid table " + table);
        } catch (InvalidRequestException e) {
            return e;
        }
    }

    // ---- get

    @Override
    public List<EncodedChunk> getChunks(List<ChunkLocation> locations) {
        List<EncodedChunk> fetched = Collections.synchronizedList(new ArrayList<>());
        Map<String, StorageException> failures = new ConcurrentHashMap<>();
        List<ChunkLocation> wanted = new ArrayList<>();
        for (ChunkLocation l : new LinkedHashSet<>(locations)) {
            if (!TableNames.isValid(l.tableName())) {
                failures.put(l.key(), invalidTable(l.tableName()));
            } else if (l.key().isEmpty()) {
                failures.put(l.key(), new ChunkNotFoundException(l.key()));
            } else {
                wanted.add(l);
            }
        }
        wanted.sort(java.util.Comparator.comparing(ChunkLocation::tableName));
        int perGang = gangSize * Layout.MAX_GET_BATCH;
        if ((wanted.size() + perGang - 1) / perGang > maxParallelism) {
            perGang = wanted.size() / maxParallelism + 1;
        }
        List<List<ChunkLocation>> gangs = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i += perGang) {
            gangs.add(wanted.subList(i, Math.min(wanted.size(), i + perGang)));
        }
        Parallel.forEach(
                gangs, maxParallelism, executor, gang -> fetchGang(gang, fetched, failures));
        if (!failures.isEmpty()) {
            throw new ChunkFetchException(fetched, failures);
        }
        return new ArrayList<>(fetched);
    }

    private void fetchGang(
            List<ChunkLocation> gang,
            List<EncodedChunk> fetched,
            Map<String, StorageException> failures) {
        BatchGetter getter = new BatchGetter(client, calls, consistentReads);
        Map<ItemKey, ChunkLocation> heads = new LinkedHashMap<>();
        for (ChunkLocation l : gang) {
            heads.put(ItemKey.of(l.tableName(), l.key(), Layout.CHUNK_RANGE), l);
        }
        BatchGetter.Result first;
        try {
            first = getter.get(heads.keySet());
        } catch (StorageException e) {
            gang.forEach(l -> failures.put(l.key(), e));
            return;
        }
        Map<ItemKey, ChunkLocation> partOwners = new LinkedHashMap<>();
        Map<ChunkLocation, Map<String, AttributeValue>> split = new LinkedHashMap<>();
        for (Map.Entry<ItemKey, ChunkLocation> h : heads.entrySet()) {
            ChunkLocation l = h.getValue();
            StorageException failed = first.failed().get(h.getKey());
            Map<String, AttributeValue> item = first.found().get(h.getKey());
            if (failed != null) {
                failures.put(
                        l.key(),
                        failed instanceof TableNotFoundException
                                ? new ChunkNotFoundException(l.key(), failed)
                                : failed);
            } else if (item == null) {
                failures.put(l.key(), new ChunkNotFoundException(l.key()));
            } else if (!item.containsKey(Layout.PARTS)) {
                fetched.add(
                        new EncodedChunk(
                                l.key(), l.tableName(), Layout.bytes(item.get(Layout.VALUE))));
            } else {
                try {
                    int parts = parts(l.key(), item);
                    if (parts == 1) {
                        fetched.add(
                                new EncodedChunk(
                                        l.key(),
                                        l.tableName(),
                                        assemble(l.key(), item, List.of())));
                        continue;
                    }
                    for (int p = 2; p <= parts; p++) {
                        partOwners.put(ItemKey.of(l.tableName(), l.key(), Layout.partRange(p)), l);
                    }
                    split.put(l, item);
                } catch (InvalidChunkException e) {
                    failures.put(l.key(), e);
                }
            }
        }
        if (split.isEmpty()) {
            return;
        }
        BatchGetter.Result rest;
        try {
            rest = getter.get(partOwners.keySet());
        } catch (StorageException e) {
            split.keySet().forEach(l -> failures.put(l.key(), e));
            return;
        }
        for (Map.Entry<ChunkLocation, Map<String, AttributeValue>> s : split.entrySet()) {
            ChunkLocation l = s.getKey();
            int parts = parts(l.key(), s.getValue());
            List<Map<String, AttributeValue>> items = new ArrayList<>(parts - 1);
            StorageException error = null;
            for (int p = 2; p <= parts && error == null; p++) {
                ItemKey k = ItemKey.of(l.tableName(), l.key(), Layout.partRange(p));
                if (rest.failed().containsKey(k)) {
                    error = rest.failed().get(k);
                } else if (rest.found().get(k) == null) {
                    error =
                            new InvalidChunkException(
                                    InvalidChunkException.Reason.CORRUPT,
                                    l.key(),
                                    "part "
                                            + p
                                            + " of "
                                            + parts
                                            + " of the split chunk is missing from table "
                                            + l.tableName());
                } else {
                    items.add(rest.found().get(k));
                }
            }
            try {
                if (error == null) {
                    fetched.add(
                            new EncodedChunk(
                                    l.key(),
                                    l.tableName(),
                                    assemble(l.key(), s.getValue(), items)));
                    continue;
                }
            } catch (InvalidChunkException e) {
                error = e;
            }
            failures.put(l.key(), error);
        }
    }

    private static int parts(String key, Map<String, AttributeValue> head) {
        long n = number(key, head, Layout.PARTS);
        if (n < 1 || n > 65_536) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.CORRUPT, key, "head item has part count " + n);
        }
        return (int) n;
    }

    private static long number(String key, Map<String, AttributeValue> item, String attribute) {
        AttributeValue v = item.get(attribute);
        try {
            if (v == null || v.n() == null) {
                throw new NumberFormatException("absent");
            }
            return Long.parseLong(v.n());
        } catch (NumberFormatException e) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.CORRUPT,
                    key,
                    "head item of a split chunk has no valid '"
                            + attribute
                            + "' number ("
                            + v
                            + ")");
        }
    }

    /** Head bytes followed by the parts' bytes, checked against the head's total size. */
    static byte[] assemble(
            String key, Map<String, AttributeValue> head, List<Map<String, AttributeValue>> parts) {
        long size = number(key, head, Layout.SIZE);
        if (size < 0 || size > Layout.MAX_CHUNK_SIZE * 4) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.CORRUPT, key, "head item has size " + size);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        out.writeBytes(Layout.bytes(head.get(Layout.VALUE)));
        for (Map<String, AttributeValue> p : parts) {
            out.writeBytes(Layout.bytes(p.get(Layout.VALUE)));
        }
        if (out.size() != size) {
            throw new InvalidChunkException(
                    InvalidChunkException.Reason.CORRUPT,
                    key,
                    "the "
                            + (parts.size() + 1)
                            + " parts of the split chunk hold "
                            + out.size()
                            + " bytes, the head item says "
                            + size);
        }
        return out.toByteArray();
    }

    // ---- delete

    @Override
    public void deleteChunk(ChunkLocation chunk) {
        TableNames.check(chunk.tableName());
        if (chunk.key().isEmpty()) {
            return;
        }
        List<byte[]> ranges = new ArrayList<>();
        QueryRequest base = Requests.chunkItems(chunk.tableName(), chunk.key(), true);
        Map<String, AttributeValue> start = Map.of();
        try {
            do {
                QueryRequest req =
                        start.isEmpty() ? base : base.toBuilder().exclusiveStartKey(start).build();
                QueryResponse resp =
                        calls.call(
                                DynamoMetrics.QUERY_PAGES,
                                chunk.tableName(),
                                null,
                                () -> client.query(req),
                                null);
                calls.metrics().consumed(DynamoMetrics.QUERY_PAGES, resp.consumedCapacity());
                for (Map<String, AttributeValue> item : resp.items()) {
                    byte[] r = Layout.bytes(item.get(Layout.RANGE));
                    if (Layout.isChunkRange(r)) {
                        ranges.add(r);
                    }
                }
                start = resp.hasLastEvaluatedKey() ? resp.lastEvaluatedKey() : Map.of();
            } while (!start.isEmpty());
        } catch (TableNotFoundException e) {
            return; // a chunk in a table that does not exist is a missing chunk
        }
        List<WriteOp> ops = new ArrayList<>();
        for (byte[] r : ranges) {
            boolean head = r.length == 1;
            ops.add(WriteOp.delete(chunk.tableName(), chunk.key(), r, chunk, chunk, head ? 0 : 1));
        }
        Map<WriteOp, StorageException> failed = writer.write(ops);
        if (!failed.isEmpty()) {
            StorageException first = failed.values().iterator().next();
            throw new ChunkWriteException(
                    "deleteChunk in DynamoDB table "
                            + chunk.tableName()
                            + " (the chunk is not"
                            + " (fully) deleted)",
                    List.of(),
                    Map.of(chunk.key(), first));
        }
    }

    @Override
    public void close() {
        // the backend owns the SDK client and the workers
    }
}
