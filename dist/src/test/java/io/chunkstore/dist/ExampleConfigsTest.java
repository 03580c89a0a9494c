package io.chunkstore.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.bigtable.BigtableConfig;
import io.chunkstore.cassandra.CassandraConfig;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.tables.TableManagerConfig;
import io.chunkstore.dynamodb.DynamoConfig;
import io.chunkstore.local.LocalConfig;
import io.chunkstore.s3.S3Config;
import io.chunkstore.spi.StorageProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example config of the archive's conf/ folder loads as serve would load it: the config
 * loader reads it (schema, storage settings, limits, table manager), every store its periods name
 * has a backend on the class path, and every backend block in it binds without an unknown key or a
 * bad value, all without connecting anywhere.
 */
class ExampleConfigsTest {
    static final Path CONF = Path.of("src", "conf");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(CONF)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    @SuppressWarnings("unchecked")
    void loadsAndEveryBlockBinds(Path file) {
        ChunkstoreConfig config = ChunkstoreConfig.load(file);
        assertThat(config.schemaConfig().periods()).isNotEmpty();
        config.storageSettings();
        config.limitsConfig();
        TableManagerConfig.from(config);

        Set<String> stores = new LinkedHashSet<>();
        for (PeriodConfig p : config.schemaConfig().periods()) {
            stores.add(p.store());
            stores.add(p.objectStore() == null ? p.store() : p.objectStore());
        }
        for (String store : stores) {
            assertThat(StorageProviders.forStore(store))
                    .as("a backend for store " + store)
                    .isNotNull();
        }

        Map<String, Object> storage = config.storage();
        if (storage.get("local") instanceof Map<?, ?> local) {
            LocalConfig.fromBlock((Map<String, Object>) local);
        }
        if (storage.get("cassandra") instanceof Map<?, ?> cassandra) {
            CassandraConfig.bind((Map<String, Object>) cassandra);
        }
        if (storage.get("bigtable") instanceof Map<?, ?> bigtable) {
            BigtableConfig.bind((Map<String, Object>) bigtable, name -> null);
        }
        if (storage.get("aws") instanceof Map<?, ?> aws) {
            if (aws.containsKey("dynamodb")) {
                DynamoConfig.fromAwsBlock((Map<String, Object>) aws, name -> null);
            }
            if (aws.containsKey("bucketnames") || aws.containsKey("s3")) {
                S3Config.fromStorageConfig(storage, name -> null);
            }
        }
        assertThat(stores).as("stores of " + file).isNotEmpty();
    }

    /** One example per backend, and a Loki and a Cortex config, as the README promises. */
    @org.junit.jupiter.api.Test
    void theSetIsComplete() throws IOException {
        assertThat(examples().stream().map(p -> p.getFileName().toString()))
                .contains(
                        "embedded.yaml",
                        "cassandra.yaml",
                        "dynamodb.yaml",
                        "bigtable.yaml",
                        "s3-with-cassandra-index.yaml",
                        "loki.yaml",
                        "cortex.yaml");
    }
}
