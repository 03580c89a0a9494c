package io.chunkstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Parsing and validation of what {@code chunkstore bench} is asked to do. */
class OptionsTest {

    @Test
    void backendsByNameWithTheirDefaultStores() {
        assertThat(BackendKind.parse("Cassandra")).isEqualTo(BackendKind.CASSANDRA);
        assertThat(BackendKind.parse(" dynamodb ").defaultStore()).isEqualTo("aws-dynamo");
        assertThat(BackendKind.parse("bigtable").defaultStore()).isEqualTo("bigtable-hashed");
        assertThatThrownBy(() -> BackendKind.parse("mongo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'mongo'")
                .hasMessageContaining("local, cassandra, dynamodb, bigtable");
    }

    @Test
    void scalesByName() {
        assertThat(Scale.parse("FULL")).isSameAs(Scale.FULL);
        assertThat(Scale.FULL.bigRowEntries()).isEqualTo(1_000_000);
        assertThat(Scale.FULL.smallRows()).isEqualTo(10_000);
        assertThat(Scale.FULL.fanoutShards()).isEqualTo(16);
        assertThat(Scale.FULL.writeValueBytes()).isEqualTo(1024);
        assertThat(Scale.SMALL.writeEntries()).isEqualTo(20_000);
        assertThatThrownBy(() -> Scale.parse("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("full, small, tiny");
    }

    @Test
    void scaleRejectsMoreHashesThanEntries() {
        assertThatThrownBy(() -> new Scale("x", 1, 10, 11, 1024, 1, 1, 1, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void workloadListsExpandGroupsAndKeepRunOrder() {
        assertThat(Workload.parseList("query-row,write"))
                .containsExactly(Workload.WRITE, Workload.QUERY_ROW);
        assertThat(Workload.parseList("chunks"))
                .containsExactly(
                        Workload.CHUNK_PUT_2K,
                        Workload.CHUNK_GET_2K,
                        Workload.CHUNK_PUT_1M,
                        Workload.CHUNK_GET_1M);
        assertThat(Workload.parseList("grpc, heap"))
                .containsExactly(
                        Workload.GRPC_QUERY_ROW,
                        Workload.GRPC_QUERY_ROWS,
                        Workload.GRPC_QUERY_FANOUT,
                        Workload.GRPC_CHUNK_GET_2K,
                        Workload.GRPC_CHUNK_GET_1M,
                        Workload.GRPC_QUERY_PARALLEL,
                        Workload.HEAP);
        assertThat(Workload.parseList("index,write")).hasSize(4);
        assertThat(Workload.parseList("")).isEqualTo(EnumSet.allOf(Workload.class));
        assertThat(Workload.parseList("all")).isEqualTo(EnumSet.allOf(Workload.class));
    }

    @Test
    void unknownWorkloadsAreNamed() {
        assertThatThrownBy(() -> Workload.parseList("write,reads"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown workload 'reads'")
                .hasMessageContaining("query-fanout");
        assertThatThrownBy(() -> Workload.parseList(",,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no workload");
    }

    @Test
    void targetsFollowTheIssue() {
        assertThat(Workload.WRITE.target()).isEqualTo(0.9);
        assertThat(Workload.CHUNK_GET_1M.target()).isEqualTo(0.9);
        assertThat(Workload.GRPC_QUERY_ROW.target()).isEqualTo(0.7);
        assertThat(Workload.HEAP.target()).isEqualTo(64);
    }

    @Test
    void outputFormats() {
        assertThat(OutputFormat.parse("Markdown")).isEqualTo(OutputFormat.MARKDOWN);
        assertThatThrownBy(() -> OutputFormat.parse("csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text, json, markdown");
    }

    @Test
    void defaults() {
        BenchOptions o = BenchOptions.builder().backend("local").build();
        assertThat(o.store()).isEqualTo("local");
        assertThat(o.rounds()).isEqualTo(5);
        assertThat(o.warmup()).isEqualTo(3);
        assertThat(o.scale()).isSameAs(Scale.SMALL);
        assertThat(o.output()).isEqualTo(OutputFormat.TEXT);
        assertThat(o.workloads()).isEqualTo(EnumSet.allOf(Workload.class));
    }

    @Test
    void serverBackendsNeedAConfigOrAStartedServer() {
        assertThatThrownBy(() -> BenchOptions.builder().backend("cassandra").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--backend cassandra needs --config FILE")
                .hasMessageContaining("--start-server");
        assertThat(BenchOptions.builder().backend("cassandra").startServer(true).build().store())
                .isEqualTo("cassandra");
        assertThat(
                        BenchOptions.builder()
                                .backend("dynamodb")
                                .configFile(Path.of("c.yaml"))
                                .build()
                                .configFile())
                .isEqualTo(Path.of("c.yaml"));
    }

    @Test
    void configAndStartServerExcludeEachOther() {
        assertThatThrownBy(
                        () ->
                                BenchOptions.builder()
                                        .backend("bigtable")
                                        .startServer(true)
                                        .configFile(Path.of("c.yaml"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclude each other");
    }

    @Test
    void storeMustBeALayoutTheBaselineMirrors() {
        assertThat(
                        BenchOptions.builder()
                                .backend("bigtable")
                                .store("gcp-columnkey")
                                .startServer(true)
                                .build()
                                .store())
                .isEqualTo("gcp-columnkey");
        assertThatThrownBy(
                        () ->
                                BenchOptions.builder()
                                        .backend("bigtable")
                                        .store("gcp")
                                        .startServer(true)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--store gcp")
                .hasMessageContaining("bigtable-hashed");
    }

    @Test
    void roundsAndWarmupInRange() {
        assertThatThrownBy(() -> BenchOptions.builder().backend("local").rounds(0).build())
                .hasMessageContaining("--rounds");
        assertThatThrownBy(() -> BenchOptions.builder().backend("local").warmup(-1).build())
                .hasMessageContaining("--warmup");
        assertThat(BenchOptions.builder().backend("local").warmup(0).rounds(1).build().warmup())
                .isZero();
    }

    @Test
    void backendIsRequired() {
        assertThatThrownBy(() -> BenchOptions.builder().build())
                .hasMessageContaining("--backend is required");
    }
}
