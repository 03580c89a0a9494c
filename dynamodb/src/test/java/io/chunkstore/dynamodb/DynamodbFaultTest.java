package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.IndexWriteException;
import io.chunkstore.spi.ReadBatch;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.WriteBatch;
import io.chunkstore.spi.support.Backoff;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Throttling and unprocessed items, injected with an SDK ExecutionInterceptor while the requests
 * still go to DynamoDB Local: a request picked for throttling fails before it is sent (DynamoDB
 * applies nothing of a throttled request), a request picked for partial processing goes out without
 * some of its items, which the response then lists as UnprocessedItems / UnprocessedKeys (exactly
 * what DynamoDB does when it skips them). Every write must end up applied, each acknowledged by
 * exactly one response, and every read must return everything once.
 */
@RealServer
class DynamodbFaultTest {
    enum Mode {
        OFF,
        RANDOM,
        ALWAYS_THROTTLE,
        ALWAYS_UNPROCESSED
    }

    private static final Map<String, Mode> MODES = new ConcurrentHashMap<>();

    /** cell (table, h, hex r, put/delete) -> responses that reported it written. */
    private static final Map<String, AtomicInteger> ACKS = new ConcurrentHashMap<>();

    private static final AtomicInteger THROTTLED = new AtomicInteger();
    private static final AtomicInteger HELD_BACK = new AtomicInteger();
    private static final MeterRegistry METRICS = new SimpleMeterRegistry();

    private static DynamoBackend backend;

    /** The fault injector. */
    static final class Faults implements ExecutionInterceptor {
        static final ExecutionAttribute<List<WriteRequest>> HELD_WRITES =
                new ExecutionAttribute<>("held-writes");
        static final ExecutionAttribute<List<Map<String, AttributeValue>>> HELD_KEYS =
                new ExecutionAttribute<>("held-keys");
        private static final String[] CODES = {
            "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"
        };
        private final Random random = new Random(42);
        private int codes;

        private synchronized double roll() {
            return random.nextDouble();
        }

        private synchronized String nextCode() {
            return CODES[codes++ % CODES.length];
        }

        private synchronized <T> List<List<T>> split(List<T> items) {
            List<T> shuffled = new ArrayList<>(items);
            Collections.shuffle(shuffled, random);
            int held = 1 + random.nextInt(items.size() - 1);
            return List.of(shuffled.subList(0, held), shuffled.subList(held, shuffled.size()));
        }

        private static Mode mode(String table) {
            return MODES.getOrDefault(table, Mode.OFF);
        }

        /**
         * A throttled request: it fails before it goes out. (Thrown here, in modifyRequest: an
         * exception thrown from beforeTransmission leaves the async client's future uncompleted, in
         * SDK 2.57.8.)
         */
        private static RuntimeException throttled(String code) {
            THROTTLED.incrementAndGet();
            AwsErrorDetails details =
                    AwsErrorDetails.builder()
                            .errorCode(code)
                            .errorMessage("injected " + code)
                            .serviceName("DynamoDb")
                            .build();
            return switch (code) {
                case "ProvisionedThroughputExceededException" ->
                        ProvisionedThroughputExceededException.builder()
                                .awsErrorDetails(details)
                                .statusCode(400)
                                .message("injected")
                                .build();
                case "RequestLimitExceeded" ->
                        RequestLimitExceededException.builder()
                                .awsErrorDetails(details)
                                .statusCode(400)
                                .message("injected")
                                .build();
                default ->
                        DynamoDbException.builder()
                                .awsErrorDetails(details)
                                .statusCode(400)
                                .message("injected")
                                .build();
            };
        }

        @Override
        public SdkRequest modifyRequest(
                Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof BatchWriteItemRequest w && w.requestItems().size() == 1) {
                String table = w.requestItems().keySet().iterator().next();
                List<WriteRequest> items = w.requestItems().get(table);
                Mode mode = mode(table);
                double p = roll();
                if (mode == Mode.ALWAYS_THROTTLE
                        || mode == Mode.RANDOM && p < 0.25
                        || mode == Mode.ALWAYS_UNPROCESSED && items.size() == 1) {
                    throw throttled(nextCode());
                } else if ((mode == Mode.RANDOM && p < 0.65 || mode == Mode.ALWAYS_UNPROCESSED)
                        && items.size() > 1) {
                    List<List<WriteRequest>> parts = split(items);
                    attributes.putAttribute(HELD_WRITES, parts.get(0));
                    HELD_BACK.addAndGet(parts.get(0).size());
                    return w.toBuilder().requestItems(Map.of(table, parts.get(1))).build();
                }
            } else if (request instanceof BatchGetItemRequest g && g.requestItems().size() == 1) {
                String table = g.requestItems().keySet().iterator().next();
                KeysAndAttributes ka = g.requestItems().get(table);
                double p = roll();
                if (mode(table) == Mode.RANDOM && p < 0.25) {
                    throw throttled("ProvisionedThroughputExceededException");
                } else if (mode(table) == Mode.RANDOM && p < 0.65 && ka.keys().size() > 1) {
                    List<List<Map<String, AttributeValue>>> parts = split(ka.keys());
                    attributes.putAttribute(HELD_KEYS, parts.get(0));
                    HELD_BACK.addAndGet(parts.get(0).size());
                    return g.toBuilder()
                            .requestItems(Map.of(table, ka.toBuilder().keys(parts.get(1)).build()))
                            .build();
                }
            } else if (request instanceof QueryRequest q
                    && mode(q.tableName()) == Mode.RANDOM
                    && roll() < 0.3) {
                throw throttled(nextCode());
            }
            return request;
        }

        @Override
        public SdkResponse modifyResponse(
                Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof BatchWriteItemResponse resp
                    && context.request() instanceof BatchWriteItemRequest sent) {
                String table = sent.requestItems().keySet().iterator().next();
                Set<String> unprocessed = new HashSet<>();
                resp.unprocessedItems()
                        .getOrDefault(table, List.of())
                        .forEach(w -> unprocessed.add(cell(table, w)));
                for (WriteRequest w : sent.requestItems().get(table)) {
                    if (!unprocessed.contains(cell(table, w))) {
                        ACKS.computeIfAbsent(cell(table, w), k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }
                List<WriteRequest> held = attributes.getAttribute(HELD_WRITES);
                if (held != null) {
                    List<WriteRequest> all =
                            new ArrayList<>(resp.unprocessedItems().getOrDefault(table, List.of()));
                    all.addAll(held);
                    return resp.toBuilder().unprocessedItems(Map.of(table, all)).build();
                }
            } else if (context.response() instanceof BatchGetItemResponse resp) {
                List<Map<String, AttributeValue>> held = attributes.getAttribute(HELD_KEYS);
                BatchGetItemRequest sent = (BatchGetItemRequest) context.request();
                if (held != null) {
                    String table = sent.requestItems().keySet().iterator().next();
                    KeysAndAttributes ka = sent.requestItems().get(table);
                    return resp.toBuilder()
                            .unprocessedKeys(Map.of(table, ka.toBuilder().keys(held).build()))
                            .build();
                }
            }
            return context.response();
        }

        static String cell(String table, WriteRequest w) {
            Map<String, AttributeValue> key =
                    w.putRequest() != null ? w.putRequest().item() : w.deleteRequest().key();
            return (w.putRequest() != null ? "put " : "delete ")
                    + table
                    + " "
                    + key.get("h").s()
                    + " "
                    + Bytes.hex(key.get("r").b().asByteArray());
        }
    }

    @BeforeAll
    static void open() {
        DynamoConfig config =
                DynamoServer.config()
                        .withThrottleLimit(10_000)
                        .withBackoff(
                                new Backoff.Config(
                                        Duration.ofMillis(1), Duration.ofMillis(20), 30));
        backend =
                DynamoServer.open(
                        "aws-dynamo",
                        config,
                        METRICS,
                        b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(new Faults())));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @AfterEach
    void faultsOff() {
        MODES.clear();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String ackKey(boolean put, IndexEntry e) {
        return (put ? "put " : "delete ")
                + e.tableName()
                + " "
                + e.hashValue()
                + " "
                + Bytes.hex(e.rangeValue());
    }

    @Test
    void underThrottlingAndUnprocessedItemsEveryWriteIsAppliedAndAcknowledgedOnce() {
        String indexA = DynamoServer.createTable(backend, "faults_a");
        String indexB = DynamoServer.createTable(backend, "faults_b");
        // a first batch without faults, whose cells the faulty batch then deletes
        WriteBatch setup = backend.indexClient().newWriteBatch();
        List<IndexEntry> doomed = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            IndexEntry e =
                    new IndexEntry(
                            i % 2 == 0 ? indexA : indexB, "doomed" + (i % 5), b("d" + i), b("x"));
            setup.add(e);
            doomed.add(e);
        }
        backend.indexClient().batchWrite(setup);
        ACKS.clear();

        MODES.put(indexA, Mode.RANDOM);
        MODES.put(indexB, Mode.RANDOM);
        int throttledBefore = THROTTLED.get();
        int heldBefore = HELD_BACK.get();
        WriteBatch batch = backend.indexClient().newWriteBatch();
        Map<String, String> expectedA = new HashMap<>();
        Map<String, String> expectedB = new HashMap<>();
        List<IndexEntry> puts = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            String table = i % 3 == 0 ? indexB : indexA;
            IndexEntry e =
                    new IndexEntry(
                            table,
                            "row" + (i % 17),
                            b(String.format("r%04d", i)),
                            i % 4 == 0 ? null : b("v" + i));
            batch.add(e);
            puts.add(e);
            (table.equals(indexA) ? expectedA : expectedB)
                    .put(e.hashValue() + " " + Bytes.hex(e.rangeValue()), Bytes.hex(e.value()));
        }
        // the same cell put and deleted in this batch: written, then gone
        IndexEntry flicker = new IndexEntry(indexA, "flicker", b("f"), b("1"));
        batch.add(flicker);
        batch.delete(indexA, "flicker", b("f"));
        doomed.forEach(e -> batch.delete(e.tableName(), e.hashValue(), e.rangeValue()));
        backend.indexClient().batchWrite(batch);

        assertThat(THROTTLED.get() - throttledBefore)
                .as("throttled requests injected")
                .isGreaterThan(5);
        assertThat(HELD_BACK.get() - heldBefore)
                .as("items held back as unprocessed")
                .isGreaterThan(50);
        assertThat(stored(indexA)).isEqualTo(expectedA);
        assertThat(stored(indexB)).isEqualTo(expectedB);
        for (IndexEntry e : puts) {
            assertThat(ACKS.get(ackKey(true, e))).as("acks of %s", e).hasValue(1);
        }
        assertThat(ACKS.get(ackKey(true, flicker))).hasValue(1);
        assertThat(ACKS.get(ackKey(false, flicker))).hasValue(1);
        for (IndexEntry e : doomed) {
            assertThat(ACKS.get(ackKey(false, e))).as("acks of delete %s", e).hasValue(1);
        }
        assertThat(ACKS).hasSize(puts.size() + 2 + doomed.size());
        assertThat(
                        METRICS.get("cortex_dynamo_throttled_total")
                                .tags("operation", "DynamoDB.BatchWriteItem", "table", indexA)
                                .counter()
                                .count())
                .isPositive();
        assertThat(
                        METRICS.get("cortex_dynamo_failures_total")
                                .tags(
                                        "operation",
                                        "DynamoDB.BatchWriteItem",
                                        "error",
                                        "ProvisionedThroughputExceededException")
                                .counter()
                                .count())
                .isPositive();
    }

    private static Map<String, String> stored(String table) {
        Map<String, String> out = new HashMap<>();
        for (Map<String, AttributeValue> item : DynamoServer.scan(backend.sdkClient(), table)) {
            out.put(
                    item.get("h").s() + " " + Bytes.hex(item.get("r").b().asByteArray()),
                    item.containsKey("c") ? Bytes.hex(item.get("c").b().asByteArray()) : "");
        }
        return out;
    }

    @Test
    void chunksRoundTripUnderThrottlingAndUnprocessedKeys() {
        String chunks = DynamoServer.createTable(backend, "faults_chunks");
        MODES.put(chunks, Mode.RANDOM);
        List<EncodedChunk> all = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 250; i++) {
            byte[] data = new byte[i % 50 == 0 ? 1_200_000 : 200 + i];
            r.nextBytes(data);
            all.add(new EncodedChunk("fault/chunk:" + i, chunks, data));
        }
        int heldBefore = HELD_BACK.get();
        backend.chunkClient().putChunks(all);
        List<ChunkLocation> locations = all.stream().map(EncodedChunk::location).toList();
        for (int round = 0; round < 6; round++) {
            assertThat(backend.chunkClient().getChunks(locations))
                    .containsExactlyInAnyOrderElementsOf(all);
        }
        assertThat(HELD_BACK.get() - heldBefore).isGreaterThan(20);
        assertThat(
                        METRICS.get("cortex_dynamo_throttled_total")
                                .tags("operation", "DynamoDB.BatchGetItemPages", "table", chunks)
                                .counter()
                                .count())
                .isPositive();
    }

    @Test
    void throttledQueryPagesAreRetriedAndDeliveredOnce() {
        String indexB = DynamoServer.createTable(backend, "faults_query");
        WriteBatch b = backend.indexClient().newWriteBatch();
        List<IndexQuery> queries = new ArrayList<>();
        for (int h = 0; h < 12; h++) {
            for (int i = 0; i < 30; i++) {
                b.add(indexB, "q" + h, b(String.format("%03d", i)), b("v"));
            }
            queries.add(IndexQuery.row(indexB, "q" + h));
        }
        backend.indexClient().batchWrite(b);
        MODES.put(indexB, Mode.RANDOM);
        int before = THROTTLED.get();
        Map<IndexQuery, List<String>> got = new ConcurrentHashMap<>();
        for (int round = 0; round < 3; round++) {
            got.clear();
            backend.indexClient()
                    .queryPages(
                            queries,
                            (q, page) -> {
                                ReadBatch.ReadBatchIterator it = page.iterator();
                                while (it.next()) {
                                    got.computeIfAbsent(
                                                    q,
                                                    k ->
                                                            Collections.synchronizedList(
                                                                    new ArrayList<>()))
                                            .add(
                                                    new String(
                                                            it.rangeValue(),
                                                            StandardCharsets.UTF_8));
                                }
                                return true;
                            });
            for (IndexQuery q : queries) {
                assertThat(got.get(q)).hasSize(30).doesNotHaveDuplicates().isSorted();
            }
        }
        assertThat(THROTTLED.get() - before).isPositive();
    }

    @Test
    void whenRetriesRunOutExactlyTheUnwrittenEntriesAreReported() {
        try (DynamoBackend strict =
                DynamoServer.open(
                        "aws-dynamo",
                        DynamoServer.config()
                                .withBackoff(
                                        new Backoff.Config(
                                                Duration.ofMillis(1), Duration.ofMillis(4), 3)),
                        METRICS,
                        bld ->
                                bld.overrideConfiguration(
                                        o -> o.addExecutionInterceptor(new Faults())))) {
            String fine = DynamoServer.createTable(strict, "exhaust_ok");
            String throttled = DynamoServer.createTable(strict, "exhaust_throttled");
            MODES.put(throttled, Mode.ALWAYS_THROTTLE);
            WriteBatch batch = strict.indexClient().newWriteBatch();
            List<IndexEntry> toB = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                IndexEntry e =
                        new IndexEntry(
                                i % 2 == 0 ? fine : throttled, "exhaust", b("e" + i), b("v"));
                batch.add(e);
                if (e.tableName().equals(throttled)) {
                    toB.add(e);
                }
            }
            assertThatThrownBy(() -> strict.indexClient().batchWrite(batch))
                    .isInstanceOfSatisfying(
                            IndexWriteException.class,
                            e -> {
                                assertThat(e.notWrittenPuts())
                                        .containsExactlyInAnyOrderElementsOf(toB);
                                assertThat(e.getCause())
                                        .isInstanceOf(ThrottledException.class)
                                        .hasMessageContaining("after 3 retries");
                                assertThat(e.isRetryable()).isTrue();
                            });
            assertThat(stored(fine)).hasSize(15);
            MODES.put(throttled, Mode.ALWAYS_UNPROCESSED);
            assertThatThrownBy(() -> strict.indexClient().batchWrite(batch))
                    .isInstanceOfSatisfying(
                            IndexWriteException.class,
                            e -> {
                                assertThat(e.notWrittenPuts()).isNotEmpty().isSubsetOf(toB);
                                assertThat(e.getCause()).isInstanceOf(ThrottledException.class);
                            });
            MODES.clear();
            strict.indexClient().batchWrite(batch); // the retry the caller makes succeeds
            assertThat(stored(throttled)).hasSize(toB.size());
        }
    }
}
