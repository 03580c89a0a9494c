package io.chunkstore.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading Cortex schema files, Cortex configs and Loki configs, and the validation messages of
 * Cortex's PeriodConfig (pkg/chunk/schema_config.go).
 */
class ChunkstoreConfigTest {

    static ChunkstoreConfig parse(String yaml) {
        return ChunkstoreConfig.parse(yaml, "test.yaml");
    }

    /**
     * A Loki config with one period entry (after one valid one), to check messages about entry [1].
     */
    static String lokiWithSecondEntry(String entry) {
        return """
                schema_config:
                  configs:
                    - from: 2019-01-01
                      store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                    - from: 2020-01-01
                """
                + (entry.contains("index:") ? entry : entry + "index: {prefix: i_}\n").indent(6);
    }

    @Test
    void cortexSchemaFile() {
        ChunkstoreConfig c =
                parse(
                        """
                configs:
                - from: 2019-07-29
                  store: bigtable-hashed
                  object_store: gcs
                  schema: v10
                  index:  {prefix: index_,  period: 168h, tags: {team: obs, env: prod}}
                  chunks: {prefix: chunks_, period: 1w}
                  row_shards: 32
                - from: "2020-01-01"
                  store: cassandra
                  schema: v9
                  index: {prefix: index_, period: 7d}
                  chunks: {prefix: chunks_, period: 7d}
                """);
        assertThat(c.dialect()).isEqualTo(ConfigDialect.CORTEX_SCHEMA_FILE);
        assertThat(c.metricsNamespace()).isEqualTo("cortex");
        assertThat(c.storage()).isEmpty();
        PeriodConfig p0 = c.schemaConfig().periods().get(0);
        assertThat(p0.from()).isEqualTo(LocalDate.of(2019, 7, 29));
        assertThat(p0.store()).isEqualTo("bigtable-hashed");
        assertThat(p0.objectStore()).isEqualTo("gcs");
        assertThat(p0.schema()).isEqualTo(SchemaVersion.V10);
        assertThat(p0.index())
                .isEqualTo(
                        new PeriodicTableConfig(
                                "index_",
                                Duration.ofHours(168),
                                Map.of("team", "obs", "env", "prod"),
                                ""));
        assertThat(p0.chunks().period()).isEqualTo(Duration.ofDays(7));
        assertThat(p0.rowShards()).isEqualTo(32);
        PeriodConfig p1 = c.schemaConfig().periods().get(1);
        assertThat(p1.objectStore())
                .as("empty object_store means the index store")
                .isEqualTo("cassandra");
        assertThat(p1.rowShards()).as("v9 is not sharded").isZero();
    }

    @Test
    void cortexConfigKeepsTheOtherBlocksRaw() {
        ChunkstoreConfig c =
                parse(
                        """
                target: querier
                server: {http_listen_port: 9009}
                schema:
                  configs:
                  - from: 2020-01-01
                    store: cassandra
                    schema: v11
                    index: {prefix: index_, period: 168h}
                    chunks: {prefix: chunks_, period: 168h}
                storage:
                  engine: chunks
                  cassandra:
                    addresses: cassandra-0,cassandra-1
                    keyspace: cortex
                    replication_factor: 3
                table_manager:
                  retention_period: 720h
                  retention_deletes_enabled: true
                limits:
                  cardinality_limit: 100000
                """);
        assertThat(c.dialect()).isEqualTo(ConfigDialect.CORTEX);
        assertThat(c.metricsNamespace()).isEqualTo("cortex");
        assertThat(c.schemaConfig().periods()).hasSize(1);
        assertThat(c.schemaConfig().periods().get(0).rowShards()).as("v10+ default").isEqualTo(16);
        assertThat(c.storage()).containsEntry("engine", "chunks");
        assertThat(c.storage().get("cassandra"))
                .isEqualTo(
                        Map.of(
                                "addresses",
                                "cassandra-0,cassandra-1",
                                "keyspace",
                                "cortex",
                                "replication_factor",
                                3));
        assertThat(c.tableManager())
                .containsEntry("retention_period", "720h")
                .containsEntry("retention_deletes_enabled", true);
        assertThat(c.limits()).containsEntry("cardinality_limit", 100000);
        assertThat(c.withMetricsNamespace("chunkstore").metricsNamespace()).isEqualTo("chunkstore");
    }

    @Test
    void lokiConfig() {
        ChunkstoreConfig c =
                parse(
                        """
                auth_enabled: false
                schema_config:
                  configs:
                    - from: 2020-10-24
                      store: boltdb-shipper
                      object_store: filesystem
                      schema: v11
                      index: {prefix: index_, period: 24h}
                    - from: 2022-06-01
                      store: local
                      object_store: local
                      schema: v12
                      index: {prefix: index_, period: 168h, path_prefix: index/}
                      chunks: {prefix: chunks_, period: 168h}
                storage_config:
                  filesystem: {directory: /tmp/loki/chunks}
                limits_config:
                  max_query_length: 721h
                """);
        assertThat(c.dialect()).isEqualTo(ConfigDialect.LOKI);
        assertThat(c.metricsNamespace()).isEqualTo("loki");
        assertThat(c.schemaConfig().periods())
                .extracting(PeriodConfig::schema)
                .containsExactly(SchemaVersion.V11, SchemaVersion.V12);
        assertThat(c.schemaConfig().periods().get(1).index().pathPrefix()).isEqualTo("index/");
        assertThat(c.storage()).containsKey("filesystem");
        assertThat(c.limits()).containsEntry("max_query_length", "721h");
        assertThat(c.tableManager()).isEmpty();
    }

    @Test
    void loadsFilesAndNamesThemInErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("schema.yaml");
        Files.writeString(
                f,
                "configs:\n- {from: 2020-01-01, store: local, schema: v11, index: {prefix: i_}}\n");
        assertThat(ChunkstoreConfig.load(f).schemaConfig().periods()).hasSize(1);
        assertThatThrownBy(() -> ChunkstoreConfig.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml does not exist");
        Files.writeString(
                f,
                "configs:\n- {from: 2020-01-01, store: local, schema: v8, index: {prefix: i_}}\n");
        assertThatThrownBy(() -> ChunkstoreConfig.load(f))
                .hasMessageStartingWith(f + ": configs[0] (from 2020-01-01)");
    }

    @Test
    void tablePeriodMustBeAMultipleOfTheBucket() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                """
                store: local
                schema: v11
                index: {prefix: index_, period: 25h}
                """)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "test.yaml: schema_config.configs[1] (from"
                                + " 2020-01-01): index.period 25h is not a multiple of 24h (the table period must be a multiple of"
                                + " 24h, 1h for schema v1)");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                """
                store: local
                schema: v11
                chunks: {prefix: chunks_, period: 1h}
                """)))
                .hasMessageContaining("chunks.period 1h is not a multiple of 24h");
        // v1 buckets by the hour: 1h and 2h are fine, 90m is not.
        assertThat(
                        parse(
                                        lokiWithSecondEntry(
                                                """
                store: local
                schema: v1
                index: {prefix: index_, period: 2h}
                """))
                                .schemaConfig()
                                .periods()
                                .get(1)
                                .index()
                                .period())
                .isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                """
                store: local
                schema: v1
                index: {prefix: index_, period: 90m}
                """)))
                .hasMessageContaining("index.period 1h30m is not a multiple of 1h");
    }

    @Test
    void chunksPrefixIsRequiredForTableStoresOnly() {
        for (String store : PeriodConfig.TABLE_CHUNK_STORES) {
            assertThatThrownBy(
                            () -> parse(lokiWithSecondEntry("store: " + store + "\nschema: v11\n")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(
                            "test.yaml: schema_config.configs[1] (from 2020-01-01): chunks.prefix is missing;"
                                    + " object_store "
                                    + store
                                    + " keeps chunks in tables and needs a table prefix (schema"
                                    + " config for chunks is missing the 'prefix' setting)");
        }
        // The object store decides: an index in Cassandra with chunks in S3 needs no chunks prefix.
        assertThat(
                        parse(
                                        lokiWithSecondEntry(
                                                "store: cassandra\nobject_store: s3\nschema: v11\n"))
                                .schemaConfig()
                                .periods())
                .hasSize(2);
        // Store names we do not know are plugins: accepted.
        assertThat(
                        parse(lokiWithSecondEntry("store: my-plugin-store\nschema: v11\n"))
                                .schemaConfig()
                                .periods()
                                .get(1)
                                .store())
                .isEqualTo("my-plugin-store");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nobject_store: cassandra\nschema: v11\n")))
                .hasMessageContaining("object_store cassandra keeps chunks in tables");
    }

    @Test
    void fromMustIncrease() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        """
                schema:
                  configs:
                  - {from: 2020-01-01, store: local, schema: v11, index: {prefix: i_}}
                  - {from: 2020-01-01, store: local, schema: v12, index: {prefix: i_}}
                """))
                .hasMessage(
                        "test.yaml: schema.configs[1] (from 2020-01-01): from 2020-01-01 is not after the"
                                + " previous entry's from 2020-01-01 (from time in schemas must be distinct and in increasing"
                                + " order)");
    }

    @Test
    void rowShards() {
        assertThat(
                        parse(lokiWithSecondEntry("store: local\nschema: v10\nrow_shards: 0\n"))
                                .schemaConfig()
                                .periods()
                                .get(1)
                                .rowShards())
                .as("0 means the default")
                .isEqualTo(16);
        assertThat(
                        parse(lokiWithSecondEntry("store: local\nschema: v12\nrow_shards: 4\n"))
                                .schemaConfig()
                                .periods()
                                .get(1)
                                .rowShards())
                .isEqualTo(4);
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nrow_shards: -1\n")))
                .hasMessage(
                        "test.yaml: schema_config.configs[1] (from 2020-01-01): row_shards -1 must be > 0"
                                + " (and fit 32 bits)");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nrow_shards: lots\n")))
                .hasMessageContaining(
                        "configs[1] (from 2020-01-01): row_shards must be a whole number");
    }

    @Test
    void schemaVersions() {
        for (String v :
                new String[] {"v1", "v2", "v3", "v4", "v5", "v6", "v9", "v10", "v11", "v12"}) {
            assertThat(
                            parse(lokiWithSecondEntry("store: local\nschema: " + v + "\n"))
                                    .schemaConfig()
                                    .periods()
                                    .get(1)
                                    .schema()
                                    .configName())
                    .isEqualTo(v);
        }
        for (String v : new String[] {"v7", "v8", "v13", "11", "V11"}) {
            assertThatThrownBy(
                            () -> parse(lokiWithSecondEntry("store: local\nschema: " + v + "\n")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(
                            "configs[1] (from 2020-01-01): schema: invalid schema version \""
                                    + v
                                    + "\" (supported: v1, v2, v3, v4, v5, v6, v9, v10, v11, v12)");
        }
        assertThatThrownBy(() -> parse(lokiWithSecondEntry("store: local\n")))
                .hasMessageContaining("configs[1] (from 2020-01-01): schema is missing");
    }

    @Test
    void unknownKeysInsideAPeriodAreErrorsNamingTheKey() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nrow_shard: 16\n")))
                .hasMessageStartingWith(
                        "test.yaml: schema_config.configs[1] (from 2020-01-01): unknown key"
                                + " row_shard (known: ");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nindex: {prefix: i_, perod: 24h}\n")))
                .hasMessageContaining("configs[1] (from 2020-01-01): unknown key index.perod");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nchunks: {prefix: c_, path_prefix: x}\n")))
                .hasMessageContaining("unknown key chunks.path_prefix");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nindex: {prefix: i_, period: 1 week}\n")))
                .hasMessageContaining(
                        "configs[1] (from 2020-01-01): index.period: not a valid duration string");
    }

    @Test
    void aPeriodWithoutAnIndexBlockOrIndexPrefixIsRefusedWithTheKeyPath() {
        // Before: accepted, and the table manager planned a table named "" (or "2965" for a
        // prefix-less periodic index) that serve then served.
        assertThatThrownBy(
                        () ->
                                parse(
                                        "schema_config:\n  configs:\n  - {from: 2020-01-01,"
                                                + " store: local, schema: v11}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "test.yaml: schema_config.configs[0] (from 2020-01-01): index.prefix is"
                                + " missing");
        assertThatThrownBy(
                        () ->
                                parse(
                                        lokiWithSecondEntry(
                                                "store: local\nschema: v11\nindex: {period: 168h}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "test.yaml: schema_config.configs[1] (from 2020-01-01): index.prefix is"
                                + " missing");
    }

    @Test
    void fromAndStoreAreRequired() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "configs:\n- {store: local, schema: v11, index: {prefix: i_}}\n"))
                .hasMessage(
                        "test.yaml: configs[0]: from is missing (the first day of the period, YYYY-MM-DD)");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "configs:\n- {from: 2020-13-01, store: local, schema: v11, index: {prefix: i_}}\n"))
                .hasMessage("test.yaml: configs[0]: from \"2020-13-01\" is not a day YYYY-MM-DD");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "configs:\n- {from: 2020-01-01, schema: v11, index: {prefix: i_}}\n"))
                .hasMessageContaining("configs[0] (from 2020-01-01): store is missing");
    }

    @Test
    void unknownTopLevelKeysAreIgnoredButTheSchemaIsRequired() {
        assertThat(
                        parse(
                                        "ingester: {x: 1}\nconfigs:\n- {from: 2020-01-01, store: local, schema: v11, index: {prefix: i_}}\n")
                                .schemaConfig()
                                .periods())
                .hasSize(1);
        assertThatThrownBy(() -> parse("server: {}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no schema config");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> parse("- a\n- b\n"))
                .hasMessageContaining("must be a YAML mapping");
        assertThatThrownBy(() -> parse("schema: {}\nschema_config: {}\n"))
                .hasMessageContaining("keep one");
        assertThatThrownBy(() -> parse("schema: {configs: []}\n"))
                .hasMessageContaining("at least one period");
        assertThatThrownBy(() -> parse("schema: {config: []}\n"))
                .hasMessageContaining("unknown key schema.config");
        assertThatThrownBy(() -> parse("configs: {a: 1}\n"))
                .hasMessageContaining("must be a list of period configs");
        assertThatThrownBy(() -> parse("configs: [\n")).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> parse("configs: []\nconfigs: []\n"))
                .hasMessageContaining("is not valid YAML")
                .hasMessageContaining("Duplicate field 'configs'");
    }

    /**
     * Issue 20: a misspelt limit was silently ignored. The keys read are checked; the rest is
     * Cortex's or Loki's.
     */
    @Test
    void misspellingsOfTheLimitsAndStorageKeysReadAreRefusedOtherKeysAreNot() {
        String schema =
                "schema_config:\n  configs:\n  - {from: 2020-01-01, store: local, schema: v11, index: {prefix: i_}}\n";
        ChunkstoreConfig ok =
                parse(
                        schema
                                + "limits_config: {max_query_length: 721h, ingestion_rate_mb: 4,"
                                + " max_query_series: 500}\nstorage_config: {index_cache_validity: 1m, boltdb_shipper: {x: 1},"
                                + " local: {directory: /d}}\ningester: {lifecycler: {}}\nserver: {http_listen_port: 3100}\n");
        assertThat(ok.limitsConfig().maxQueryLength()).isEqualTo(Duration.ofHours(721));
        assertThat(ok.limitsConfig().maxChunksPerQuery()).isEqualTo(2_000_000);
        assertThat(ok.limitsConfig().maxQuerySeries()).isEqualTo(500);
        assertThat(ok.limitsConfig().queryTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(ok.limitsConfig().maxQueryBytesRead()).isZero();
        ChunkstoreConfig loki =
                parse(
                        schema
                                + "limits_config: {query_timeout: 5m, max_query_series: 20,"
                                + " max_query_bytes_read: 1GB}\n");
        assertThat(loki.limitsConfig().queryTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(loki.limitsConfig().maxQuerySeries()).isEqualTo(20);
        assertThat(loki.limitsConfig().maxQueryBytesRead()).isEqualTo(1L << 30);
        assertThatThrownBy(() -> parse(schema + "limits_config: {query_timeout: 0s}\n"))
                .hasMessageContaining("limits_config: query_timeout must be positive, got 0");
        assertThatThrownBy(() -> parse(schema + "limits_config: {max_query_series: 0}\n"))
                .hasMessageContaining("limits_config.max_query_series");
        assertThat(ok.storageSettings().indexCacheValidity()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> parse(schema + "limits_config: {max_query_lenght: 721h}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "test.yaml: unknown key 'limits_config.max_query_lenght'; did you mean"
                                + " 'max_query_length'?");
        assertThatThrownBy(() -> parse(schema + "storage_config: {index_cache_valdity: 1m}\n"))
                .hasMessageContaining(
                        "unknown key 'storage_config.index_cache_valdity'; did you mean"
                                + " 'index_cache_validity'?");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "schema:\n  configs:\n  - {from: 2020-01-01, store: local, schema: v11, index: {prefix: i_}}\n"
                                                + "limits: {max_query_length: 2}\n"))
                .hasMessageContaining("limits.max_query_length: 2 has no unit");
        assertThatThrownBy(() -> parse(schema + "limits_config: {max_chunks_per_query: -1}\n"))
                .hasMessageContaining("limits_config.max_chunks_per_query must not be negative");
    }
}
