package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.ObjectClient.ListResult;
import io.chunkstore.spi.ObjectClient.StorageObject;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.testservers.RealServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The S3 object client against S3Mock: every ObjectClient operation, its errors, sizes, paging and
 * concurrency.
 */
@RealServer
class S3ObjectClientTest {
    private static S3AsyncClient plain;
    private static String bucket;
    private static S3ObjectClient client;

    @BeforeAll
    static void open() {
        plain = S3TestSupport.plainClient();
        bucket = S3TestSupport.freshBucket("objects");
        S3TestSupport.createBuckets(plain, bucket);
        client = S3ObjectClient.create(S3TestSupport.config(bucket));
    }

    @AfterAll
    static void close() {
        client.close();
        plain.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void putThenGetReturnsTheSameBytes() {
        byte[] data = bytes(1234, 1);
        client.putObject("rt/a", data);
        assertThat(client.getObject("rt/a")).isEqualTo(data);
    }

    @Test
    void aFileIsStreamedFromDiskAndReadsBackByteForByte(@TempDir Path src) throws Exception {
        byte[] data = bytes(6 * 1024 * 1024 + 3, 6);
        Path file = Files.write(src.resolve("segment"), data);
        client.putObject("rt/file", file);
        assertThat(client.getObject("rt/file")).isEqualTo(data);
        assertThatThrownBy(() -> client.putObject("rt/nofile", src.resolve("missing")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void anEmptyObjectRoundTrips() {
        client.putObject("rt/empty", new byte[0]);
        assertThat(client.getObject("rt/empty")).isEmpty();
    }

    @Test
    void overwritingReplacesTheBytes() {
        client.putObject("rt/over", "one".getBytes(StandardCharsets.UTF_8));
        client.putObject("rt/over", "two".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(client.getObject("rt/over"), StandardCharsets.UTF_8))
                .isEqualTo("two");
    }

    @Test
    void aFiveMebibyteObjectRoundTrips() {
        byte[] data = bytes(5 * 1024 * 1024, 5);
        client.putObject("big/five-mib", data);
        assertThat(client.getObject("big/five-mib")).isEqualTo(data);
    }

    @Test
    void keysWithColonsSlashesSpacesAndNonAsciiRoundTripAndList() {
        List<String> keys =
                List.of(
                        "weird/fake/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1",
                        "weird/with space+plus",
                        "weird/ünïcödé/日本",
                        "weird/percent%20literal",
                        "weird/a=b&c?d");
        for (String k : keys) {
            client.putObject(k, k.getBytes(StandardCharsets.UTF_8));
        }
        for (String k : keys) {
            assertThat(new String(client.getObject(k), StandardCharsets.UTF_8)).isEqualTo(k);
        }
        assertThat(client.list("weird/", "").objects())
                .extracting(StorageObject::key)
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void gettingAMissingObjectIsObjectNotFound() {
        assertThatThrownBy(() -> client.getObject("missing/nothing-here"))
                .isInstanceOf(ObjectNotFoundException.class)
                .satisfies(
                        e ->
                                assertThat(((ObjectNotFoundException) e).key())
                                        .isEqualTo("missing/nothing-here"));
    }

    @Test
    void deleteRemovesTheObjectAndDeletingAgainIsObjectNotFound() {
        client.putObject("del/x", new byte[] {1, 2, 3});
        client.deleteObject("del/x");
        assertThatThrownBy(() -> client.getObject("del/x"))
                .isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> client.deleteObject("del/x"))
                .isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> client.deleteObject("del/never-written"))
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void listWithoutDelimiterReturnsEveryObjectUnderThePrefixInKeyOrder() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        for (String k : List.of("ls1/b/2", "ls1/a", "ls1/b/1", "ls1/c/d/e", "ls10/other")) {
            client.putObject(k, new byte[] {7});
        }
        ListResult r = client.list("ls1/", "");
        assertThat(r.objects())
                .extracting(StorageObject::key)
                .containsExactly("ls1/a", "ls1/b/1", "ls1/b/2", "ls1/c/d/e");
        assertThat(r.commonPrefixes()).isEmpty();
        assertThat(r.objects())
                .allSatisfy(
                        o ->
                                assertThat(o.modifiedAt())
                                        .isAfterOrEqualTo(before)
                                        .isBeforeOrEqualTo(Instant.now().plusSeconds(5)));
    }

    @Test
    void listWithDelimiterRollsDirectoriesUpIntoCommonPrefixesEndingWithTheDelimiter() {
        for (String k :
                List.of(
                        "ls2/user1/chunk-a",
                        "ls2/user1/chunk-b",
                        "ls2/user2/x/chunk-c",
                        "ls2/top")) {
            client.putObject(k, new byte[] {7});
        }
        ListResult r = client.list("ls2/", "/");
        assertThat(r.objects()).extracting(StorageObject::key).containsExactly("ls2/top");
        assertThat(r.commonPrefixes()).containsExactly("ls2/user1/", "ls2/user2/");

        ListResult deeper = client.list("ls2/user2/", "/");
        assertThat(deeper.objects()).isEmpty();
        assertThat(deeper.commonPrefixes()).containsExactly("ls2/user2/x/");
    }

    @Test
    void listOfAnEmptyPrefixIsEmpty() {
        ListResult r = client.list("no-such-prefix/", "/");
        assertThat(r.objects()).isEmpty();
        assertThat(r.commonPrefixes()).isEmpty();
    }

    @Test
    void listingFollowsContinuationTokensAcrossPages() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String k = String.format("paged/%03d", i);
            client.putObject(k, new byte[] {(byte) i});
            expected.add(k);
        }
        for (int i = 0; i < 5; i++) {
            client.putObject("paged/dir" + i + "/x", new byte[] {1});
        }
        try (S3ObjectClient small =
                S3ObjectClient.builder(S3TestSupport.config(bucket)).listPageSize(4).build()) {
            assertThat(small.list("paged/", "").objects()).hasSize(28);
            ListResult withDelimiter = small.list("paged/", "/");
            assertThat(withDelimiter.objects())
                    .extracting(StorageObject::key)
                    .containsExactlyElementsOf(expected);
            assertThat(withDelimiter.commonPrefixes())
                    .containsExactly(
                            "paged/dir0/",
                            "paged/dir1/",
                            "paged/dir2/",
                            "paged/dir3/",
                            "paged/dir4/");
        }
    }

    @Test
    void concurrentGetsFromManyThreadsAllReturnTheirOwnBytes() throws Exception {
        int n = 200;
        for (int i = 0; i < n; i++) {
            client.putObject("conc/" + i, bytes(100 + i, i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<byte[]>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String k = "conc/" + i;
                got.add(pool.submit(() -> client.getObject(k)));
            }
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i).get()).as("object %d", i).isEqualTo(bytes(100 + i, i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void objectPrefixIsPrependedToEveryNameAndStrippedFromListings() {
        try (S3ObjectClient prefixed =
                S3ObjectClient.create(S3TestSupport.config(bucket).withObjectPrefix("loki/"))) {
            prefixed.putObject("pfx/user/chunk", new byte[] {4, 2});
            assertThat(S3TestSupport.rawGet(plain, bucket, "loki/pfx/user/chunk"))
                    .containsExactly(4, 2);
            assertThat(prefixed.getObject("pfx/user/chunk")).containsExactly(4, 2);
            ListResult r = prefixed.list("pfx/", "/");
            assertThat(r.commonPrefixes()).containsExactly("pfx/user/");
            assertThat(prefixed.list("pfx/user/", "").objects())
                    .extracting(StorageObject::key)
                    .containsExactly("pfx/user/chunk");
            prefixed.deleteObject("pfx/user/chunk");
            assertThatThrownBy(() -> S3TestSupport.rawGet(plain, bucket, "loki/pfx/user/chunk"))
                    .hasRootCauseInstanceOf(
                            software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
        }
    }

    @Test
    void aMissingBucketIsAConfigErrorNamingIt() {
        String missing = S3TestSupport.freshBucket("never-created");
        try (S3ObjectClient c = S3ObjectClient.create(S3TestSupport.config(missing))) {
            assertThatThrownBy(() -> c.putObject("k", new byte[] {1}))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(missing);
            assertThatThrownBy(() -> c.list("", "/"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(missing);
        }
    }

    @Test
    void callsAfterCloseFailWithATypedError() {
        S3ObjectClient c = S3ObjectClient.create(S3TestSupport.config(bucket));
        c.close();
        c.close(); // idempotent
        assertThatThrownBy(() -> c.getObject("rt/a"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
    }
}
