package io.chunkstore.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachesTest {

    @Test
    void chunkCacheKeepsChunksByKeyWithinItsByteBound() {
        ChunkCache cache = new ChunkCache(100_000);
        cache.put("u/1:2:3:4", new byte[] {1, 2, 3});
        assertThat(cache.contains("u/1:2:3:4")).isTrue();
        assertThat(cache.get("u/1:2:3:4")).containsExactly(1, 2, 3);
        assertThat(cache.getAll(List.of("u/1:2:3:4", "missing"))).containsOnlyKeys("u/1:2:3:4");
        cache.invalidate("u/1:2:3:4");
        assertThat(cache.get("u/1:2:3:4")).isNull();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, new byte[10_000]);
        }
        cache.cleanUp();
        assertThat(cache.size()).isLessThan(11);
        assertThatThrownBy(() -> new ChunkCache(0)).isInstanceOf(ConfigException.class);
    }

    @Test
    void writeDedupeCacheReportsMissingKeysInOrder() {
        WriteDedupeCache cache = new WriteDedupeCache(10, Duration.ZERO);
        cache.addAll(List.of("b"));
        assertThat(cache.missing(List.of("a", "b", "c"))).containsExactly("a", "c");
        assertThat(cache.contains("b")).isTrue();
        cache.invalidateAll();
        assertThat(cache.contains("b")).isFalse();
        assertThatThrownBy(() -> new WriteDedupeCache(0, Duration.ZERO))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new WriteDedupeCache(1, Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void indexCacheConfigHasCortexDefaultsAndRejectsNonsense() {
        assertThat(IndexCacheConfig.DEFAULT.cardinalityLimit()).isEqualTo(100_000);
        assertThat(IndexCacheConfig.DEFAULT.validity()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> IndexCacheConfig.DEFAULT.withCardinalityLimit(-1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cardinality_limit");
        assertThatThrownBy(() -> IndexCacheConfig.DEFAULT.withMaxBytes(0))
                .isInstanceOf(ConfigException.class);
    }
}
