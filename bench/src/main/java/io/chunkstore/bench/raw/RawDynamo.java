package io.chunkstore.bench.raw;

import io.chunkstore.bench.Subject;
import io.chunkstore.bench.Tally;
import io.chunkstore.dynamodb.DynamoConfig;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.support.DaemonThreads;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB's baseline: {@code DynamoDbAsyncClient} (Netty, the same connection count as the
 * backend's client) with the backend's layout ({@code h} S, {@code r} B, {@code c} B; chunks over
 * 400 KB split into a head and parts, parts written first). Index writes: BatchWriteItem of 25
 * items, {@code write_parallelism} requests in flight, UnprocessedItems sent again. Reads: Query
 * pages of {@code query_page_limit} items one after the other, {@code query_parallelism} queries in
 * flight, items copied to byte arrays on the SDK's threads. Chunk gets: BatchGetItem of 100 keys,
 * one request at a time per gang of {@code chunk_gang_size} x 100 keys, {@code
 * chunk_get_max_parallelism} gangs at once (the backend's, and Cortex's, concurrency),
 * UnprocessedKeys asked again at once; a split chunk's parts are read after its head and copied
 * into one array.
 *
 * <p>Requests ask for no consumed capacity unless {@code returnConsumedCapacity} is set (the
 * backend asks for {@code TOTAL} on every request, for its {@code dynamo_consumed_capacity_total}
 * metric; DynamoDB Local takes noticeably longer to answer such writes, which the system property
 * {@value #CONSUMED_CAPACITY_PROPERTY} lets a run show).
 */
public final class RawDynamo implements Subject {
    private static final String H = "h";
    private static final String R = "r";
    private static final String C = "c";
    private static final byte[] CHUNK_RANGE = {0x63};
    private static final int MAX_ITEM = 400 * 1024;
    private static final int ITEM_MARGIN = 4096;

    /** Set to {@code true} to make the baseline ask for consumed capacity as the backend does. */
    public static final String CONSUMED_CAPACITY_PROPERTY =
            "chunkstore.bench.dynamodb.consumed-capacity";

    private final DynamoDbAsyncClient client;
    private final DynamoConfig config;
    private final Consumer<String> resetTable;
    private final java.util.concurrent.ExecutorService gangPool;
    private final ReturnConsumedCapacity capacity;

    /**
     * @param config the backend's bound {@code aws:} block
     * @param resetTable empties a table (through our table client)
     * @param returnConsumedCapacity ask for {@code TOTAL} consumed capacity on every request, as
     *     the backend does
     */
    public RawDynamo(
            DynamoConfig config, Consumer<String> resetTable, boolean returnConsumedCapacity) {
        this.config = config;
        this.capacity =
                returnConsumedCapacity ? ReturnConsumedCapacity.TOTAL : ReturnConsumedCapacity.NONE;
        this.resetTable = resetTable;
        int connections =
                2 * config.queryParallelism()
                        + config.writeParallelism()
                        + config.chunkGetMaxParallelism()
                        + 8;
        DynamoDbAsyncClientBuilder b =
                DynamoDbAsyncClient.builder()
                        .region(Region.of(config.region()))
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder()
                                        .maxConcurrency(connections)
                                        .connectionAcquisitionTimeout(Duration.ofSeconds(60)));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        b.credentialsProvider(
                config.accessKeyId() != null
                        ? StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(
                                        config.accessKeyId(), config.secretAccessKey()))
                        : DefaultCredentialsProvider.builder().build());
        this.client = b.build();
        this.gangPool =
                java.util.concurrent.Executors.newFixedThreadPool(
                        config.chunkGetMaxParallelism(), DaemonThreads.named("raw-dynamo-gang"));
    }

    @Override
    public String label() {
        return "raw";
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    private static AttributeValue b(byte[] v) {
        return AttributeValue.builder().b(SdkBytes.fromByteArrayUnsafe(v)).build();
    }

    private static AttributeValue b(byte[] v, int from, int to) {
        return AttributeValue.builder()
                .b(SdkBytes.fromByteBuffer(ByteBuffer.wrap(v, from, to - from)))
                .build();
    }

    private static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    // ---- writes

    private record Item(String table, Map<String, AttributeValue> attributes) {}

    /**
     * BatchWriteItem of 25 items per request (grouped by table), {@code write_parallelism} in
     * flight.
     */
    private void writeItems(List<Item> items) {
        Map<String, List<WriteRequest>> byTable = new LinkedHashMap<>();
        for (Item i : items) {
            byTable.computeIfAbsent(i.table(), t -> new ArrayList<>())
                    .add(
                            WriteRequest.builder()
                                    .putRequest(PutRequest.builder().item(i.attributes()).build())
                                    .build());
        }
        List<Map<String, List<WriteRequest>>> requests = new ArrayList<>();
        byTable.forEach(
                (table, writes) -> {
                    for (int i = 0; i < writes.size(); i += 25) {
                        requests.add(
                                Map.of(table, writes.subList(i, Math.min(writes.size(), i + 25))));
                    }
                });
        bounded(requests.size(), config.writeParallelism(), i -> write(requests.get(i)));
    }

    private CompletableFuture<Void> write(Map<String, List<WriteRequest>> request) {
        return client.batchWriteItem(
                        BatchWriteItemRequest.builder()
                                .requestItems(request)
                                .returnConsumedCapacity(capacity)
                                .build())
                .thenCompose(
                        resp ->
                                resp.hasUnprocessedItems() && !resp.unprocessedItems().isEmpty()
                                        ? write(resp.unprocessedItems())
                                        : CompletableFuture.completedFuture(null));
    }

    @Override
    public void writeIndex(List<IndexEntry> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        for (IndexEntry e : batch) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(H, s(e.hashValue()));
            item.put(R, b(e.rangeValue()));
            if (e.value().length > 0) {
                item.put(C, b(e.value()));
            }
            items.add(new Item(e.tableName(), item));
        }
        writeItems(items);
    }

    // ---- reads

    @Override
    public Tally query(List<IndexQuery> queries) {
        LongAdder entries = new LongAdder();
        LongAdder bytes = new LongAdder();
        bounded(
                queries.size(),
                config.queryParallelism(),
                i -> {
                    IndexQuery q = queries.get(i);
                    QueryRequest.Builder req =
                            QueryRequest.builder()
                                    .tableName(q.tableName())
                                    .keyConditionExpression("#h = :h")
                                    .expressionAttributeNames(Map.of("#h", H))
                                    .expressionAttributeValues(Map.of(":h", s(q.hashValue())))
                                    .consistentRead(config.consistentReads())
                                    .returnConsumedCapacity(capacity);
                    if (config.queryPageLimit() > 0) {
                        req.limit(config.queryPageLimit());
                    }
                    return queryFrom(req.build(), entries, bytes);
                });
        return new Tally(entries.sum(), bytes.sum());
    }

    private CompletableFuture<Void> queryFrom(
            QueryRequest req, LongAdder entries, LongAdder bytes) {
        return client.query(req)
                .thenCompose(
                        resp -> {
                            count(resp, entries, bytes);
                            if (resp.hasLastEvaluatedKey() && !resp.lastEvaluatedKey().isEmpty()) {
                                return queryFrom(
                                        req.toBuilder()
                                                .exclusiveStartKey(resp.lastEvaluatedKey())
                                                .build(),
                                        entries,
                                        bytes);
                            }
                            return CompletableFuture.completedFuture(null);
                        });
    }

    private static void count(QueryResponse resp, LongAdder entries, LongAdder bytes) {
        long n = 0;
        long b = 0;
        for (Map<String, AttributeValue> item : resp.items()) {
            n++;
            b += item.get(R).b().asByteArray().length;
            AttributeValue c = item.get(C);
            if (c != null) {
                b += c.b().asByteArray().length;
            }
        }
        entries.add(n);
        bytes.add(b);
    }

    // ---- chunks

    private static int partSize(String key) {
        return MAX_ITEM - ITEM_MARGIN - key.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] partRange(int part) {
        return new byte[] {
            0x63, (byte) (part >>> 24), (byte) (part >>> 16), (byte) (part >>> 8), (byte) part
        };
    }

    @Override
    public void putChunks(List<EncodedChunk> chunks) {
        List<Item> parts = new ArrayList<>();
        List<Item> heads = new ArrayList<>();
        for (EncodedChunk c : chunks) {
            byte[] bytes = c.encoded();
            int p = partSize(c.key());
            int count = Math.max(1, (bytes.length + p - 1) / p);
            Map<String, AttributeValue> head = new HashMap<>();
            head.put(H, s(c.key()));
            head.put(R, b(CHUNK_RANGE));
            if (count == 1) {
                head.put(C, b(bytes));
            } else {
                head.put(C, b(bytes, 0, p));
                head.put("n", n(count));
                head.put("s", n(bytes.length));
                for (int i = 2; i <= count; i++) {
                    parts.add(
                            new Item(
                                    c.tableName(),
                                    Map.of(
                                            H,
                                            s(c.key()),
                                            R,
                                            b(partRange(i)),
                                            C,
                                            b(bytes, (i - 1) * p, Math.min(bytes.length, i * p)))));
                }
            }
            heads.add(new Item(c.tableName(), head));
        }
        if (!parts.isEmpty()) {
            writeItems(parts);
        }
        writeItems(heads);
    }

    private record Key(String table, String hash, byte[] range) {
        Map<String, AttributeValue> attributes() {
            return Map.of(H, s(hash), R, b(range));
        }
    }

    @Override
    public Tally getChunks(List<ChunkLocation> chunks) {
        int perGang = config.chunkGangSize() * 100;
        if ((chunks.size() + perGang - 1) / perGang > config.chunkGetMaxParallelism()) {
            perGang = chunks.size() / config.chunkGetMaxParallelism() + 1;
        }
        List<List<ChunkLocation>> gangs = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i += perGang) {
            gangs.add(chunks.subList(i, Math.min(chunks.size(), i + perGang)));
        }
        LongAdder n = new LongAdder();
        LongAdder bytes = new LongAdder();
        bounded(
                gangs.size(),
                config.chunkGetMaxParallelism(),
                g ->
                        CompletableFuture.runAsync(
                                () -> {
                                    List<Key> heads =
                                            gangs.get(g).stream()
                                                    .map(
                                                            l ->
                                                                    new Key(
                                                                            l.tableName(),
                                                                            l.key(),
                                                                            CHUNK_RANGE))
                                                    .toList();
                                    String table = gangs.get(g).get(0).tableName();
                                    List<Key> parts = new ArrayList<>();
                                    Map<String, Map<String, AttributeValue>> split =
                                            new HashMap<>();
                                    for (Map<String, AttributeValue> head : getItems(heads)) {
                                        AttributeValue count = head.get("n");
                                        if (count == null) {
                                            n.increment();
                                            bytes.add(head.get(C).b().asByteArray().length);
                                        } else {
                                            split.put(head.get(H).s(), head);
                                            for (int i = 2; i <= Integer.parseInt(count.n()); i++) {
                                                parts.add(
                                                        new Key(
                                                                table,
                                                                head.get(H).s(),
                                                                partRange(i)));
                                            }
                                        }
                                    }
                                    if (!parts.isEmpty()) {
                                        Map<String, byte[]> assembled = new HashMap<>();
                                        split.forEach(
                                                (key, head) -> {
                                                    byte[] whole =
                                                            new byte
                                                                    [Integer.parseInt(
                                                                            head.get("s").n())];
                                                    head.get(C)
                                                            .b()
                                                            .asByteBuffer()
                                                            .get(whole, 0, partSize(key));
                                                    assembled.put(key, whole);
                                                });
                                        for (Map<String, AttributeValue> part : getItems(parts)) {
                                            String key = part.get(H).s();
                                            ByteBuffer r = part.get(R).b().asByteBuffer();
                                            int index = r.getInt(r.position() + 1);
                                            ByteBuffer c = part.get(C).b().asByteBuffer();
                                            c.get(
                                                    assembled.get(key),
                                                    (index - 1) * partSize(key),
                                                    c.remaining());
                                        }
                                        assembled
                                                .values()
                                                .forEach(
                                                        whole -> {
                                                            n.increment();
                                                            bytes.add(whole.length);
                                                        });
                                    }
                                },
                                gangPool));
        return new Tally(n.sum(), bytes.sum());
    }

    /**
     * BatchGetItem of 100 keys at a time, one request after the other; UnprocessedKeys asked again.
     * The keys are of one table (the bench reads one chunk table).
     */
    private List<Map<String, AttributeValue>> getItems(List<Key> keys) {
        List<Map<String, AttributeValue>> out = new ArrayList<>(keys.size());
        String table = keys.get(0).table();
        List<Map<String, AttributeValue>> queue =
                new ArrayList<>(keys.stream().map(Key::attributes).toList());
        while (!queue.isEmpty()) {
            List<Map<String, AttributeValue>> batch =
                    new ArrayList<>(queue.subList(0, Math.min(100, queue.size())));
            queue.subList(0, batch.size()).clear();
            var resp =
                    client.batchGetItem(
                                    BatchGetItemRequest.builder()
                                            .requestItems(
                                                    Map.of(
                                                            table,
                                                            KeysAndAttributes.builder()
                                                                    .keys(batch)
                                                                    .consistentRead(
                                                                            config
                                                                                    .consistentReads())
                                                                    .build()))
                                            .returnConsumedCapacity(capacity)
                                            .build())
                            .join();
            out.addAll(resp.responses().getOrDefault(table, List.of()));
            KeysAndAttributes left =
                    resp.hasUnprocessedKeys() ? resp.unprocessedKeys().get(table) : null;
            if (left != null && left.hasKeys()) {
                queue.addAll(left.keys());
            }
        }
        return out;
    }

    /**
     * Runs {@code count} async tasks with at most {@code limit} in flight; fails with the first
     * error.
     */
    static void bounded(int count, int limit, IntFunction<CompletableFuture<?>> start) {
        Semaphore permits = new Semaphore(limit);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < count && error.get() == null; i++) {
            permits.acquireUninterruptibly();
            CompletableFuture<?> f;
            try {
                f = start.apply(i);
            } catch (RuntimeException e) {
                permits.release();
                error.compareAndSet(null, e);
                break;
            }
            f.whenComplete(
                    (r, t) -> {
                        if (t != null) {
                            error.compareAndSet(
                                    null,
                                    t instanceof CompletionException && t.getCause() != null
                                            ? t.getCause()
                                            : t);
                        }
                        permits.release();
                    });
        }
        permits.acquireUninterruptibly(limit);
        if (error.get() != null) {
            throw new StorageException("raw baseline: " + error.get(), error.get());
        }
    }

    @Override
    public void resetTable(String table) {
        resetTable.accept(table);
    }

    @Override
    public boolean sharesOurIndex() {
        return true;
    }

    @Override
    public void close() {
        gangPool.shutdownNow();
        client.close();
    }
}
