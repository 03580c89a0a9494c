package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ChunkFetchException;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.ChunkNotFoundException;
import io.chunkstore.spi.ChunkWriteException;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.testservers.AwsFaultInjector;
import io.chunkstore.testservers.RealServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Chunks on DynamoDB Local: split and reassembled, partial results, gangs, delete. */
@RealServer
class DynamodbChunkTest {
    private static DynamoBackend backend;
    private static String table;

    @BeforeAll
    static void open() {
        backend = DynamoServer.open("aws-dynamo");
        table = DynamoServer.createTable(backend, "chunks");
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aTwoMegabyteChunkRoundTrips() {
        EncodedChunk big = new EncodedChunk("user/big:1:2:3", table, random(2 * 1024 * 1024, 1));
        EncodedChunk small = new EncodedChunk("user/small:1:2:3", table, random(1000, 2));
        backend.chunkClient().putChunks(List.of(big, small));
        List<EncodedChunk> got =
                backend.chunkClient().getChunks(List.of(big.location(), small.location()));
        assertThat(got).containsExactlyInAnyOrder(big, small);
    }

    @Test
    void chunksAroundThePartSizeRoundTrip() {
        String key = "user/edge:1:2:3";
        int p = Layout.partSize(key);
        for (int size : new int[] {0, 1, p - 1, p, p + 1, 2 * p, 2 * p + 1, 3 * p - 7}) {
            EncodedChunk c = new EncodedChunk(key + ":" + size, table, random(size, size));
            backend.chunkClient().putChunks(List.of(c));
            assertThat(backend.chunkClient().getChunks(List.of(c.location())))
                    .as("size %d", size)
                    .containsExactly(c);
        }
    }

    @Test
    void aMissingPartIsACorruptChunkAndTheOthersStillRead() {
        EncodedChunk big = new EncodedChunk("user/holes:1:2:3", table, random(900_000, 3));
        EncodedChunk fine = new EncodedChunk("user/fine:1:2:3", table, random(500, 4));
        backend.chunkClient().putChunks(List.of(big, fine));
        backend.sdkClient()
                .deleteItem(
                        r ->
                                r.tableName(table)
                                        .key(
                                                Map.of(
                                                        "h",
                                                        AttributeValue.fromS(big.key()),
                                                        "r",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(
                                                                        Layout.partRange(2))))))
                .join();
        assertThatThrownBy(
                        () ->
                                backend.chunkClient()
                                        .getChunks(List.of(big.location(), fine.location())))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(e.fetched()).containsExactly(fine);
                            assertThat(e.failures()).containsOnlyKeys(big.key());
                            assertThat(e.failures().get(big.key()))
                                    .isInstanceOfSatisfying(
                                            InvalidChunkException.class,
                                            ice ->
                                                    assertThat(ice.reason())
                                                            .isEqualTo(
                                                                    InvalidChunkException.Reason
                                                                            .CORRUPT))
                                    .hasMessageContaining("part 2 of 3");
                            assertThat(e.onlyNotFound()).isFalse();
                        });
    }

    @Test
    void aTruncatedPartIsACorruptChunk() {
        EncodedChunk big = new EncodedChunk("user/short:1:2:3", table, random(900_000, 5));
        backend.chunkClient().putChunks(List.of(big));
        backend.sdkClient()
                .putItem(
                        r ->
                                r.tableName(table)
                                        .item(
                                                Map.of(
                                                        "h",
                                                        AttributeValue.fromS(big.key()),
                                                        "r",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(
                                                                        Layout.partRange(3))),
                                                        "c",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(
                                                                        new byte[] {1, 2, 3})))))
                .join();
        assertThatThrownBy(() -> backend.chunkClient().getChunks(List.of(big.location())))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e ->
                                assertThat(e.failures().get(big.key()))
                                        .isInstanceOf(InvalidChunkException.class)
                                        .hasMessageContaining("says 900000"));
    }

    @Test
    void missingChunksAreTypedNotFoundWithThePartialResult() {
        EncodedChunk here = new EncodedChunk("user/here:1:2:3", table, random(10, 6));
        backend.chunkClient().putChunks(List.of(here));
        ChunkLocation absent = new ChunkLocation("user/absent:1:2:3", table);
        ChunkLocation noTable =
                new ChunkLocation("user/notable:1:2:3", DynamoServer.table("no_such_chunks"));
        assertThatThrownBy(
                        () ->
                                backend.chunkClient()
                                        .getChunks(List.of(here.location(), absent, noTable)))
                .isInstanceOfSatisfying(
                        ChunkFetchException.class,
                        e -> {
                            assertThat(e.fetched()).containsExactly(here);
                            assertThat(e.failures()).containsOnlyKeys(absent.key(), noTable.key());
                            assertThat(e.failures().values())
                                    .allMatch(f -> f instanceof ChunkNotFoundException);
                            assertThat(e.onlyNotFound()).isTrue();
                        });
    }

    /** Many chunks over small gangs and several tables: every one comes back once. */
    @Test
    void manyChunksOverGangsAndTables() {
        String other = DynamoServer.createTable(backend, "chunks_other");
        try (DynamoBackend gangs =
                DynamoServer.open(
                        "aws-dynamo",
                        DynamoServer.config().withChunkGangs(1, 3),
                        new SimpleMeterRegistry(),
                        null)) {
            List<EncodedChunk> chunks = new ArrayList<>();
            for (int i = 0; i < 730; i++) {
                chunks.add(
                        new EncodedChunk(
                                "user/many:" + i,
                                i % 2 == 0 ? table : other,
                                random(100 + i, 1000 + i)));
            }
            chunks.add(new EncodedChunk("user/many:split", other, random(500_000, 9)));
            gangs.chunkClient().putChunks(chunks);
            List<ChunkLocation> wanted = chunks.stream().map(EncodedChunk::location).toList();
            assertThat(gangs.chunkClient().getChunks(wanted))
                    .containsExactlyInAnyOrderElementsOf(chunks);
        }
    }

    @Test
    void deleteRemovesEveryItemOfTheChunk() {
        EncodedChunk big = new EncodedChunk("user/gone:1:2:3", table, random(1_500_000, 8));
        backend.chunkClient().putChunks(List.of(big));
        // a part left over from an interrupted earlier write goes too
        backend.sdkClient()
                .putItem(
                        r ->
                                r.tableName(table)
                                        .item(
                                                Map.of(
                                                        "h",
                                                        AttributeValue.fromS(big.key()),
                                                        "r",
                                                        AttributeValue.fromB(
                                                                SdkBytes.fromByteArray(
                                                                        Layout.partRange(9))))))
                .join();
        backend.chunkClient().deleteChunk(big.location());
        assertThat(DynamoServer.items(backend.sdkClient(), table, big.key())).isEmpty();
        assertThatThrownBy(() -> backend.chunkClient().getChunks(List.of(big.location())))
                .isInstanceOf(ChunkFetchException.class);
        backend.chunkClient().deleteChunk(big.location()); // deleting a missing chunk is a no-op
        backend.chunkClient()
                .deleteChunk(new ChunkLocation("user/x:1", DynamoServer.table("no_such_chunks")));
    }

    /**
     * 30 small chunks take two BatchWriteItem requests (25 items each at most); the first response
     * is turned into an AccessDeniedException, which is neither retried nor bisected (as a
     * ValidationException would be): the chunks of that request are not written, the others are,
     * and the put says exactly which.
     */
    @Test
    void aRequestThatFailsMakesAPartialWriteThatNamesBothHalves() {
        AwsFaultInjector faults = new AwsFaultInjector();
        try (DynamoBackend faulty =
                DynamoServer.open(
                        "aws-dynamo",
                        DynamoServer.config(),
                        new SimpleMeterRegistry(),
                        b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(faults)))) {
            List<EncodedChunk> chunks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                chunks.add(
                        new EncodedChunk(
                                "user/partial:" + i + ":2:3", table, random(100, 100 + i)));
            }
            faults.failNext(1, 400, "AccessDeniedException");
            assertThatThrownBy(() -> faulty.chunkClient().putChunks(chunks))
                    .isInstanceOfSatisfying(
                            ChunkWriteException.class,
                            e -> {
                                assertThat(faults.injected()).isEqualTo(1);
                                assertThat(e.written().size() + e.keys().size()).isEqualTo(30);
                                assertThat(e.keys()).hasSizeBetween(5, 25);
                                assertThat(e.notWritten().values())
                                        .allSatisfy(
                                                x ->
                                                        assertThat(
                                                                        DynamoErrors.errorCode(
                                                                                x.getCause()))
                                                                .isEqualTo(
                                                                        "AccessDeniedException"));
                                assertThat(e.isRetryable()).isFalse();
                                List<ChunkLocation> written =
                                        chunks.stream()
                                                .filter(c -> e.written().contains(c.key()))
                                                .map(EncodedChunk::location)
                                                .toList();
                                assertThat(backend.chunkClient().getChunks(written))
                                        .hasSize(e.written().size());
                            });
        }
    }

    @Test
    void badInputIsReportedPerChunk() {
        EncodedChunk ok = new EncodedChunk("user/ok:1:2:3", table, random(10, 10));
        EncodedChunk badTable = new EncodedChunk("user/bad:1:2:3", "t1", random(10, 11));
        assertThatThrownBy(() -> backend.chunkClient().putChunks(List.of(ok, badTable)))
                .isInstanceOfSatisfying(
                        ChunkWriteException.class,
                        e -> {
                            assertThat(e.keys()).containsExactly(badTable.key());
                            assertThat(e.notWritten().get(badTable.key()))
                                    .isInstanceOf(InvalidRequestException.class)
                                    .hasMessageContaining("'t1'");
                        });
        assertThat(backend.chunkClient().getChunks(List.of(ok.location()))).containsExactly(ok);
    }
}
