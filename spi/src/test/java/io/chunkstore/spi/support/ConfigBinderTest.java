package io.chunkstore.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binder's one rule per kind of value, its messages, and its key listing. */
class ConfigBinderTest {

    record Backoff(
            @ConfigKey(value = "min_period", dflt = "100ms", doc = "First wait.") Duration min,
            @ConfigKey(value = "max_retries", dflt = "10", min = 0, doc = "Retries.")
                    int maxRetries) {}

    record Block(
            @ConfigKey(value = "name", doc = "A name.") String name,
            @ConfigKey(
                            value = "mode",
                            dflt = "fast",
                            oneOf = {"fast", "safe"},
                            doc = "How.")
                    String mode,
            @ConfigKey(value = "count", dflt = "3", min = 1, doc = "How many.") int count,
            @ConfigKey(value = "rate", dflt = "2.5", min = 0, doc = "Per second.") double rate,
            @ConfigKey(value = "enabled", dflt = "true", doc = "On or off.") boolean enabled,
            @ConfigKey(value = "timeout", dflt = "30s", doc = "How long.") Duration timeout,
            @ConfigKey(
                            value = "page_bytes",
                            dflt = "1MiB",
                            bytes = true,
                            min = 1,
                            doc = "Page size.")
                    long pageBytes,
            @ConfigKey(value = "hosts", doc = "Hosts.") List<String> hosts,
            @ConfigKey(value = "factors", doc = "Per datacenter.") Map<String, Integer> factors,
            @ConfigKey(value = "backoff_config", doc = "Retries.") Backoff backoff,
            @ConfigKey(value = "legacy", doc = "Accepted, unused.") Object legacy) {}

    static Block bind(Map<String, Object> m) {
        return ConfigBinder.bind(Block.class, m, "storage.thing");
    }

    static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = new HashMap<>();
        m.put(key, value);
        return m;
    }

    @Test
    void defaultsAreReadByTheSameRulesAsValues() {
        Block b = bind(Map.of());
        assertThat(b)
                .isEqualTo(
                        new Block(
                                "",
                                "fast",
                                3,
                                2.5,
                                true,
                                Duration.ofSeconds(30),
                                1 << 20,
                                List.of(),
                                Map.of(),
                                new Backoff(Duration.ofMillis(100), 10),
                                null));
        assertThat(ConfigBinder.bind(Block.class, null, "x")).isEqualTo(b);
        Map<String, Object> nulls = new HashMap<>();
        for (String k : ConfigBinder.keys(Block.class)) {
            nulls.put(k, null);
        }
        assertThat(bind(nulls)).as("a key without a value takes its default").isEqualTo(b);
    }

    @Test
    void valuesOfEveryKind() {
        Map<String, Object> m = new HashMap<>();
        m.put("name", 42);
        m.put("mode", "safe");
        m.put("count", "7");
        m.put("rate", "12.5");
        m.put("enabled", "FALSE");
        m.put("timeout", "1.5h");
        m.put("page_bytes", "64kb");
        m.put("hosts", "a, b,,c");
        m.put("factors", Map.of("dc1", 3));
        m.put("backoff_config", Map.of("min_period", "1w", "max_retries", 0));
        m.put("legacy", List.of(1, 2));
        Block b = bind(m);
        assertThat(b)
                .isEqualTo(
                        new Block(
                                "42",
                                "safe",
                                7,
                                12.5,
                                false,
                                Duration.ofMinutes(90),
                                65536,
                                List.of("a", "b", "c"),
                                Map.of("dc1", 3),
                                new Backoff(Duration.ofDays(7), 0),
                                List.of(1, 2)));
        assertThat(bind(with("hosts", List.of("x", "y"))).hosts()).containsExactly("x", "y");
        assertThat(bind(with("page_bytes", 4096)).pageBytes()).isEqualTo(4096);
        assertThat(bind(with("timeout", 0)).timeout()).isZero();
        assertThat(bind(with("timeout", "0")).timeout()).isZero();
    }

    @Test
    void oneRuleForDurationsBooleansAndNumbers() {
        assertThatThrownBy(() -> bind(with("timeout", 2)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "storage.thing.timeout: 2 has no unit; write a duration with a unit, like 2s, 100ms,"
                                + " 1h30m or 7d");
        assertThatThrownBy(() -> bind(with("timeout", "2 seconds")))
                .hasMessageStartingWith("storage.thing.timeout:")
                .hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> bind(with("timeout", "-1s")))
                .hasMessage("storage.thing.timeout must not be negative, got -1s");
        assertThatThrownBy(() -> bind(with("enabled", "yes")))
                .hasMessage("storage.thing.enabled must be true or false, not 'yes'");
        assertThatThrownBy(() -> bind(with("enabled", 1)))
                .hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> bind(with("count", 2.5)))
                .hasMessage("storage.thing.count must be a whole number, not '2.5'");
        assertThatThrownBy(() -> bind(with("count", 0)))
                .hasMessage("storage.thing.count must be at least 1, got 0");
        assertThatThrownBy(() -> bind(with("count", 1L << 40)))
                .hasMessageContaining("storage.thing.count");
        assertThatThrownBy(() -> bind(with("rate", "fast")))
                .hasMessage("storage.thing.rate must be a number, not" + " 'fast'");
        assertThatThrownBy(() -> bind(with("rate", -1)))
                .hasMessageContaining("rate must be a number >= 0");
        assertThatThrownBy(() -> bind(with("page_bytes", "lots")))
                .hasMessageContaining("storage.thing.page_bytes")
                .hasMessageContaining("64KB");
        assertThatThrownBy(() -> bind(with("mode", "quick")))
                .hasMessage("storage.thing.mode must be one of fast, safe, not 'quick'");
        assertThatThrownBy(() -> bind(with("name", List.of("a"))))
                .hasMessage("storage.thing.name must be a string," + " not a list");
        assertThatThrownBy(() -> bind(with("backoff_config", "fast")))
                .hasMessage("storage.thing.backoff_config must be a mapping, not 'fast'");
        assertThatThrownBy(() -> bind(with("factors", Map.of("dc1", "three"))))
                .hasMessageContaining("storage.thing.factors.dc1 must be a whole number");
    }

    @Test
    void unknownKeysAreRefusedWithTheFullPathAndASuggestion() {
        assertThatThrownBy(() -> bind(with("backoff_config", Map.of("max_retires", 3))))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "unknown key 'storage.thing.backoff_config.max_retires'; did you mean 'max_retries'?"
                                + " known keys: max_retries, min_period");
        assertThatThrownBy(() -> bind(with("zzz", 1)))
                .hasMessageStartingWith(
                        "unknown key 'storage.thing.zzz';" + " known keys: backoff_config, count,");
    }

    @Test
    void aSharedBlockRefusesOnlyMisspellingsOfItsOwnKeys() {
        Map<String, Object> m = new HashMap<>();
        m.put("ingestion_rate_mb", 4);
        m.put("count", 5);
        assertThat(ConfigBinder.bindShared(Block.class, m, "limits_config").count()).isEqualTo(5);
        assertThatThrownBy(
                        () ->
                                ConfigBinder.bindShared(
                                        Block.class, with("cuont", 5), "limits_config"))
                .hasMessageContaining("unknown key 'limits_config.cuont'; did you mean 'count'?");
    }

    @Test
    void editDistance() {
        assertThat(ConfigBinder.editDistance("max_query_lenght", "max_query_length")).isEqualTo(2);
        assertThat(ConfigBinder.editDistance("", "abc")).isEqualTo(3);
        assertThat(ConfigBinder.editDistance("instanse", "instance")).isEqualTo(1);
        assertThat(ConfigBinder.editDistance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void everyKeyIsListedWithItsDefault() {
        assertThat(ConfigBinder.describe(Block.class))
                .extracting(ConfigBinder.KeyDoc::key)
                .containsExactly(
                        "name",
                        "mode",
                        "count",
                        "rate",
                        "enabled",
                        "timeout",
                        "page_bytes",
                        "hosts",
                        "factors",
                        "backoff_config",
                        "backoff_config.min_period",
                        "backoff_config.max_retries",
                        "legacy");
        assertThat(ConfigBinder.describe(Block.class).get(1))
                .isEqualTo(
                        new ConfigBinder.KeyDoc(
                                "mode", "string", "fast", "How. One of: fast, safe."));
        assertThat(ConfigBinder.describe(Block.class).get(6).kind()).isEqualTo("bytes");
        assertThat(ConfigBinder.describe(Block.class).get(8).kind())
                .isEqualTo("map of string to int");
    }

    @Test
    void byteSizes() {
        assertThat(ByteSize.parse("1KB")).isEqualTo(1024);
        assertThat(ByteSize.parse("1KiB")).isEqualTo(1024);
        assertThat(ByteSize.parse("1.5MiB")).isEqualTo(3 << 19);
        assertThat(ByteSize.parse("2gb")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("100")).isEqualTo(100);
        assertThat(ByteSize.parse("10B")).isEqualTo(10);
        for (String bad : List.of("", "MB", "-1KB", "1XB", "1 K B")) {
            assertThatThrownBy(() -> ByteSize.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("byte size");
        }
        assertThatThrownBy(() -> ByteSize.parse("9EB")).hasMessageContaining("too large");
    }
}
