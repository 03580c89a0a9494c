package io.chunkstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.spi.BackendContext;
import io.chunkstore.spi.ChunkLocation;
import io.chunkstore.spi.EncodedChunk;
import io.chunkstore.spi.StorageBackend;
import io.chunkstore.spi.StorageProviders;
import io.chunkstore.testservers.RealServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Where chunks land in the bucket, checked with the plain SDK: each chunk is one object named
 * exactly by its external key (Loki's {@code object_prefix} in front when set), holding exactly the
 * encoded chunk; and a bucket Cortex or Loki wrote (golden chunks put by raw key) is read as it is.
 */
@RealServer
class S3LayoutTest {
    /** The Cortex v1.10 golden chunk (testdata/golden/chunk-d97c78e1.bin) and its external key. */
    static final String CORTEX_KEY = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    private static S3AsyncClient plain;

    @BeforeAll
    static void open() {
        plain = S3TestSupport.plainClient();
    }

    @AfterAll
    static void close() {
        plain.close();
    }

    static Path golden() {
        String p = System.getProperty("chunkstore.golden.dir");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path g = d.resolve("testdata").resolve("golden");
            if (Files.isDirectory(g)) {
                return g;
            }
        }
        throw new IllegalStateException("testdata/golden not found (set -Dchunkstore.golden.dir)");
    }

    private static StorageBackend openS3(String bucketnames, Map<String, Object> top) {
        Map<String, Object> storage =
                new HashMap<>(S3ConformanceTest.storageConfig(bucketnames, Map.of()));
        storage.putAll(top);
        return StorageProviders.open(new BackendContext("s3", storage, null, "cortex"));
    }

    /** Every golden Loki chunk: its v12+ external key and bytes. */
    private static Map<String, byte[]> lokiGoldenChunks() throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        Path dir = golden().resolve("loki");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path meta : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode m = json.readTree(meta.toFile());
                out.put(
                        m.get("external_key").asText(),
                        Files.readAllBytes(dir.resolve(m.get("file").asText())));
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(9);
        return out;
    }

    @Test
    void aChunkIsOneObjectNamedByItsExternalKeyHoldingTheEncodedChunk() throws IOException {
        byte[] chunk = Files.readAllBytes(golden().resolve("chunk-d97c78e1.bin"));
        String bucket = S3TestSupport.freshBucket("layout");
        S3TestSupport.createBuckets(plain, bucket);
        try (StorageBackend s3 = openS3(bucket, Map.of())) {
            s3.chunkClient().putChunks(List.of(new EncodedChunk(CORTEX_KEY, "chunks_2591", chunk)));
        }
        assertThat(S3TestSupport.rawKeys(plain, bucket)).containsExactly(CORTEX_KEY);
        assertThat(S3TestSupport.rawGet(plain, bucket, CORTEX_KEY)).isEqualTo(chunk);
        // and it is the chunk its key names
        assertThat(
                        ChunkCodec.decode(
                                        "userID",
                                        CORTEX_KEY,
                                        S3TestSupport.rawGet(plain, bucket, CORTEX_KEY))
                                .externalKey())
                .isEqualTo(CORTEX_KEY);
    }

    @Test
    void aBucketLokiWroteIsReadAsItIs() throws IOException {
        Map<String, byte[]> loki = lokiGoldenChunks();
        String bucket = S3TestSupport.freshBucket("loki-wrote");
        S3TestSupport.createBuckets(plain, bucket);
        loki.forEach((key, bytes) -> S3TestSupport.rawPut(plain, bucket, key, bytes));

        try (StorageBackend s3 = openS3(bucket, Map.of())) {
            List<ChunkLocation> wanted = new ArrayList<>();
            loki.keySet().forEach(k -> wanted.add(new ChunkLocation(k, "")));
            List<EncodedChunk> got = s3.chunkClient().getChunks(wanted);
            assertThat(got).hasSize(loki.size());
            for (EncodedChunk c : got) {
                assertThat(c.encoded()).as(c.key()).isEqualTo(loki.get(c.key()));
                // decoding verifies the bytes against the key (checksum, user, fingerprint, times);
                // core names the
                // chunk in the pre-v12 form, so the last '/' of the v12 key becomes ':'
                int slash = c.key().lastIndexOf('/');
                assertThat(ChunkCodec.decode("fake", c.key(), c.encoded()).externalKey())
                        .isEqualTo(
                                c.key().substring(0, slash) + ":" + c.key().substring(slash + 1));
            }
        }
    }

    @Test
    void lokisObjectPrefixGoesInFrontOfTheExternalKey() throws IOException {
        Map<String, byte[]> loki = lokiGoldenChunks();
        String key = loki.keySet().iterator().next();
        String bucket = S3TestSupport.freshBucket("prefixed");
        S3TestSupport.createBuckets(plain, bucket);
        S3TestSupport.rawPut(plain, bucket, "loki/" + key, loki.get(key));
        try (StorageBackend s3 = openS3(bucket, Map.of("object_prefix", "loki/"))) {
            assertThat(s3.chunkClient().getChunks(List.of(new ChunkLocation(key, ""))))
                    .singleElement()
                    .satisfies(c -> assertThat(c.encoded()).isEqualTo(loki.get(key)));
            s3.chunkClient()
                    .putChunks(List.of(new EncodedChunk(CORTEX_KEY, "", new byte[] {1, 2})));
        }
        assertThat(S3TestSupport.rawKeys(plain, bucket))
                .containsExactlyInAnyOrder("loki/" + key, "loki/" + CORTEX_KEY);
    }

    /**
     * With {@code bucketnames: b0,b1,b2} the Cortex golden key goes to b0 (FNV-32a 0xad67c4b9 =
     * 2909258937, mod 3 = 0) and the Loki v1-gzip golden key {@code
     * fake/9a4e037c3b69a04e/18bcfe56800:18bcfe58359:dec11916} to b1 (0x247639b7 = 611727799, mod 3
     * = 1), both hashes computed by hand in Python; another writer with the same bucket list finds
     * them there.
     */
    @Test
    void shardedBucketsHoldEachChunkWhereFnv32aSends() {
        String lokiKey = "fake/9a4e037c3b69a04e/18bcfe56800:18bcfe58359:dec11916";
        String b0 = S3TestSupport.freshBucket("shard0");
        String b1 = S3TestSupport.freshBucket("shard1");
        String b2 = S3TestSupport.freshBucket("shard2");
        S3TestSupport.createBuckets(plain, b0, b1, b2);
        try (StorageBackend s3 = openS3(b0 + "," + b1 + "," + b2, Map.of())) {
            s3.chunkClient()
                    .putChunks(
                            List.of(
                                    new EncodedChunk(CORTEX_KEY, "", new byte[] {1}),
                                    new EncodedChunk(lokiKey, "", new byte[] {2})));
            assertThat(((S3Backend) s3).objectClient().bucketFor(CORTEX_KEY)).isEqualTo(b0);
        }
        assertThat(S3TestSupport.rawKeys(plain, b0)).containsExactly(CORTEX_KEY);
        assertThat(S3TestSupport.rawKeys(plain, b1)).containsExactly(lokiKey);
        assertThat(S3TestSupport.rawKeys(plain, b2)).isEmpty();

        // A chunk another writer put in the bucket FNV-32a names is found; listing merges every
        // bucket.
        S3TestSupport.rawPut(
                plain,
                b1,
                "fake/9a4e037c3b69a04e:18bcfe56800:18bcfe58359:dec11916",
                new byte[] {3});
        try (StorageBackend s3 = openS3(b0 + "," + b1 + "," + b2, Map.of())) {
            assertThat(
                            s3.chunkClient()
                                    .getChunks(
                                            List.of(
                                                    new ChunkLocation(
                                                            "fake/9a4e037c3b69a04e:18bcfe56800:18bcfe58359:dec11916",
                                                            ""))))
                    .singleElement()
                    .satisfies(c -> assertThat(c.encoded()).containsExactly(3));
            assertThat(((S3Backend) s3).objectClient().list("", "/").commonPrefixes())
                    .containsExactly("fake/", "userID/");
            assertThat(((S3Backend) s3).objectClient().list("fake/", "").objects()).hasSize(2);
        }
    }
}
