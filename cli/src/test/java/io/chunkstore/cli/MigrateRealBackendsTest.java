package io.chunkstore.cli;

import static io.chunkstore.cli.MigrateStores.FROM;
import static io.chunkstore.cli.MigrateStores.HOUR;
import static io.chunkstore.cli.MigrateStores.T0;
import static io.chunkstore.cli.MigrateStores.TO;
import static io.chunkstore.cli.MigrateStores.TO_MS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.cli.MigrateStores.Period;
import io.chunkstore.cli.MigrateStores.Run;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.KeyFormat;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.IndexedChunk;
import io.chunkstore.testservers.BigtableEndpoint;
import io.chunkstore.testservers.CassandraEndpoint;
import io.chunkstore.testservers.DynamoDbEndpoint;
import io.chunkstore.testservers.RealServer;
import io.chunkstore.testservers.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chunkstore migrate} from an embedded local store (Cortex schema v10, tenant "src") into
 * each real backend (test-servers) under a schema change (v11 until 2024-03-05, v12 after) and a
 * tenant rename ("dst"), verified; then read back through the destination's own store: same series,
 * same samples, under the new tenant and key forms.
 */
@RealServer
class MigrateRealBackendsTest {
    static final String BOTH = "{__name__=~\"cpu_usage|mem_bytes\"}";
    static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);

    @TempDir static Path tmp;
    static Path source;
    static List<ChunkCodec.Encoded> written;
    static Map<String, String> sourceBefore;

    @BeforeAll
    static void source() {
        source =
                MigrateStores.cortexConfig(
                        tmp.resolve("src.yaml"),
                        MigrateStores.local(tmp.resolve("src")),
                        new Period("2024-01-01", "local", "v10", ""));
        written = MigrateStores.generate("src", 10, T0 - 12 * HOUR, TO_MS + 12 * HOUR, 42);
        MigrateStores.put(source, written);
        sourceBefore = MigrateStores.dumpLocal(tmp.resolve("src"));
    }

    /** Schema v11 until 2024-03-05, then v12, with table prefixes of their own for this run. */
    static Period[] periods(String store) {
        String p = "mig" + RUN + "_";
        return new Period[] {
            new Period("2024-01-01", store, "v11", p),
            new Period("2024-03-05", store, "v12", p + "b_")
        };
    }

    @Test
    void localToCassandra() throws Exception {
        CassandraEndpoint c = TestServers.cassandra();
        String addresses =
                c.contactPoints().stream()
                        .map(a -> a.getHostString() + ":" + a.getPort())
                        .collect(Collectors.joining(","));
        String storage =
                "cassandra:\n  addresses: "
                        + addresses
                        + "\n  keyspace: migrate_"
                        + RUN
                        + "\n"
                        + "  replication_factor: 1\n  local_datacenter: "
                        + c.localDatacenter()
                        + "\n"
                        + "  protocol_version: V5\n  timeout: 20s\n";
        check(
                MigrateStores.cortexConfig(
                        tmp.resolve("cassandra.yaml"), storage, periods("cassandra")));
    }

    @Test
    void localToDynamoDb() throws Exception {
        DynamoDbEndpoint d = TestServers.dynamodb();
        String url = d.dynamodbUrl();
        String storage =
                "aws:\n  region: "
                        + d.region()
                        + "\n  dynamodb:\n    dynamodb_url: "
                        + url
                        + "\n"
                        + "    api_limit: 0\n    consistent_reads: true\n"
                        + "    backoff_config: {min_period: 1ms, max_period: 50ms, max_retries: 20}\n";
        check(
                MigrateStores.cortexConfig(
                        tmp.resolve("dynamodb.yaml"), storage, periods("aws-dynamo")));
    }

    @Test
    void localToBigtable() throws Exception {
        BigtableEndpoint b = TestServers.bigtable();
        String storage =
                "bigtable:\n  project: "
                        + b.projectId()
                        + "\n  instance: "
                        + b.instanceId()
                        + "\n"
                        + "  emulator_host: "
                        + b.hostAndPort()
                        + "\n";
        check(
                MigrateStores.cortexConfig(
                        tmp.resolve("bigtable.yaml"), storage, periods("bigtable-hashed")));
    }

    private void check(Path dest) throws Exception {
        // The oracle: the generated chunks overlapping the range, renamed to dst as Cortex would
        // encode them.
        long v12From = T0 + 86_400_000L;
        Set<String> srcKeys = new TreeSet<>();
        Set<String> expected = new TreeSet<>();
        for (ChunkCodec.Encoded e : written) {
            Chunk old = e.chunk();
            if (old.through() < T0 || old.from() > TO_MS - 1) {
                continue;
            }
            srcKeys.add(old.externalKey());
            Chunk renamed =
                    ChunkCodec.encode(
                                    Chunk.of(
                                            "dst",
                                            old.fingerprint(),
                                            old.labels(),
                                            old.from(),
                                            old.through(),
                                            old.encoding(),
                                            old.data()))
                            .chunk();
            expected.add(
                    renamed.externalKey(old.from() >= v12From ? KeyFormat.V12 : KeyFormat.CURRENT));
        }
        assertThat(keys(source, "src")).isEqualTo(srcKeys);
        Run r =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        source.toString(),
                        "--dest-config",
                        dest.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "src=dst",
                        "--match",
                        BOTH,
                        "--verify",
                        "--create-tables",
                        "--parallel",
                        "4",
                        "--batch",
                        "20",
                        "--output",
                        "json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("complete").asBoolean()).isTrue();
        assertThat(j.path("chunks").path("copied").asLong())
                .isEqualTo(srcKeys.size())
                .isGreaterThan(20);
        assertThat(j.path("chunks").path("reencoded").asLong()).isEqualTo(srcKeys.size());
        assertThat(j.path("chunks").path("verified").asLong()).isEqualTo(srcKeys.size());
        assertThat(j.path("failures")).isEmpty();

        // Read back through the destination's own store: every chunk under tenant dst, v12 keys
        // from 2024-03-05.
        assertThat(keys(dest, "dst")).isEqualTo(expected);
        for (String metric : List.of("cpu_usage", "mem_bytes")) {
            var q = Selectors.parseMatchers(metric);
            List<List<?>> want =
                    MigrateStores.withStore(source, s -> s.get("src", T0, TO_MS - 1, q)).stream()
                            .map(c -> List.of(c.labels(), c.samples()))
                            .collect(Collectors.toList());
            List<List<?>> got =
                    MigrateStores.withStore(dest, s -> s.get("dst", T0, TO_MS - 1, q)).stream()
                            .map(c -> List.of(c.labels(), c.samples()))
                            .collect(Collectors.toList());
            assertThat(got).containsExactlyInAnyOrderElementsOf(want);
        }
        assertThat(keys(dest, "src")).isEmpty();
        // A rerun overwrites the same keys: still verified, nothing new.
        Run again =
                MigrateStores.run(
                        "migrate",
                        "--source-config",
                        source.toString(),
                        "--dest-config",
                        dest.toString(),
                        "--from",
                        FROM,
                        "--to",
                        TO,
                        "--tenant",
                        "src=dst",
                        "--match",
                        BOTH,
                        "--verify",
                        "--output",
                        "json");
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(keys(dest, "dst")).isEqualTo(expected);
        // The source was only read.
        assertThat(MigrateStores.dumpLocal(tmp.resolve("src"))).isEqualTo(sourceBefore);
    }

    static List<IndexedChunk> refs(CompositeStore s, String tenant) {
        List<IndexedChunk> out = new ArrayList<>();
        for (String m : List.of("cpu_usage", "mem_bytes")) {
            out.addAll(s.chunkRefs(tenant, T0, TO_MS - 1, Selectors.parseMatchers(m)));
        }
        return out;
    }

    static Set<String> keys(Path config, String tenant) {
        return MigrateStores.withStore(config, s -> keys(s, tenant));
    }

    static Set<String> keys(CompositeStore s, String tenant) {
        return refs(s, tenant).stream()
                .map(IndexedChunk::externalKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
