package io.chunkstore.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.PageRecorder;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.TableDesc;
import io.chunkstore.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's gauges that the dashboard and alert rules of deploy/ read: its size, its
 * disk's room and its block cache's hits, each against what the file system says.
 */
class LocalIndexMetricsTest {
    @TempDir Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long sstBytes(Path indexDir) throws IOException {
        try (Stream<Path> files = Files.list(indexDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sst"))
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            })
                    .sum();
        }
    }

    @Test
    void sizeDiskAndBlockCacheAreExportedAndAClosedIndexReadsNaN() throws IOException {
        LocalConfig config = LocalConfig.under(dir);
        LocalIndex first = new LocalIndex(config, new SimpleMeterRegistry(), "t_");
        first.createTable(TableDesc.named("t"));
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 20_000; i++) {
            batch.add("t", "h" + (i % 50), b(String.format("r%06d", i)), b("value-" + i));
        }
        first.batchWrite(batch);
        first.close();

        // Reopening replays the log into SST files, which the size gauge then counts.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        LocalIndex index = new LocalIndex(config, metrics, "t_");
        try {
            long onDisk = sstBytes(config.indexDirectory());
            assertThat(onDisk).isPositive();
            assertThat(metrics.get("t_local_index_size_bytes").gauge().value())
                    .isEqualTo((double) onDisk);

            FileStore store = Files.getFileStore(config.indexDirectory());
            assertThat(metrics.get("t_local_disk_capacity_bytes").gauge().value())
                    .isEqualTo((double) store.getTotalSpace());
            assertThat(metrics.get("t_local_disk_free_bytes").gauge().value())
                    .isPositive()
                    .isLessThanOrEqualTo((double) store.getTotalSpace());

            IndexQuery q = IndexQuery.row("t", "h7");
            assertThat(PageRecorder.entries(index, q)).hasSize(400);
            double misses =
                    metrics.get("t_local_index_block_cache_misses").functionCounter().count();
            double hits = metrics.get("t_local_index_block_cache_hits").functionCounter().count();
            assertThat(misses).as("the first read of a reopened index misses").isPositive();
            assertThat(PageRecorder.entries(index, q)).hasSize(400);
            assertThat(metrics.get("t_local_index_block_cache_hits").functionCounter().count())
                    .as("the same read again hits the cache")
                    .isGreaterThan(hits);
        } finally {
            index.close();
        }
        assertThat(metrics.get("t_local_index_size_bytes").gauge().value()).isNaN();
        assertThat(metrics.get("t_local_index_block_cache_hits").functionCounter().count()).isNaN();
    }

    @Test
    void rocksDbMemoryIsExportedAfterWritesOnARealStore() throws IOException {
        LocalConfig config =
                LocalConfig.under(dir).withMemory(new LocalConfig.Memory(32L << 20, 16L << 20, 64));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        LocalIndex index = new LocalIndex(config, metrics, "t_");
        long rawBytes = 0;
        try {
            index.createTable(TableDesc.named("t"));
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 20_000; i++) {
                String hash = "h" + (i % 50);
                byte[] range = b(String.format("r%06d", i));
                byte[] value = b("value-" + i);
                batch.add("t", hash, range, value);
                rawBytes += hash.length() + range.length + value.length;
            }
            index.batchWrite(batch);

            assertThat(gauge(metrics, "t_local_index_block_cache_capacity_bytes"))
                    .isEqualTo(32.0 * (1 << 20));
            assertThat(gauge(metrics, "t_local_index_memtables_bytes"))
                    .as(
                            "the memtables hold at least the bytes written (%d), not yet flushed",
                            rawBytes)
                    .isGreaterThanOrEqualTo((double) rawBytes)
                    .isLessThanOrEqualTo(16.0 * (1 << 20));
            assertThat(gauge(metrics, "t_local_index_block_cache_usage_bytes"))
                    .as("the memtables are charged to the block cache")
                    .isPositive();
            assertThat(gauge(metrics, "t_local_index_block_cache_pinned_bytes")).isNotNegative();
        } finally {
            index.close();
        }
        assertThat(gauge(metrics, "t_local_index_memtables_bytes")).isNaN();

        // Reopened, the entries are in an SST file: reading it opens a table reader and caches
        // its blocks.
        SimpleMeterRegistry reopened = new SimpleMeterRegistry();
        LocalIndex again = new LocalIndex(config, reopened, "t_");
        try {
            assertThat(PageRecorder.entries(again, IndexQuery.row("t", "h7"))).hasSize(400);
            assertThat(gauge(reopened, "t_local_index_table_readers_bytes")).isPositive();
            assertThat(gauge(reopened, "t_local_index_block_cache_usage_bytes")).isPositive();
        } finally {
            again.close();
        }
    }

    private static double gauge(SimpleMeterRegistry metrics, String name) {
        return metrics.get(name).gauge().value();
    }
}
