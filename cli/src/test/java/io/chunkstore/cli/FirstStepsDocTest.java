package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.PeriodClientResolver;
import io.chunkstore.core.store.PeriodClients;
import io.chunkstore.grpc.GrpcStoreClient;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.server.EmbeddedStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "First steps" run as written: its {@code serve} line starts the server (in a temp
 * data directory, on free ports: the only changes, as the test may not take 9966), a Cortex and a
 * Loki client write through the plugin protocol, and then each read line runs exactly as printed
 * (the port in {@code --server} swapped for the one bound) and must find what was written. Before,
 * the reads could only open the data directory serve holds locked, and a week without a table was
 * an error.
 */
class FirstStepsDocTest {
    static final String DOC_PORT = "127.0.0.1:9966";

    @TempDir Path tmp;

    /** The {@code bin/chunkstore} lines of the README's "First steps" block, split as sh does. */
    static List<List<String>> docLines() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## First steps");
        assertThat(section).as("README has a First steps section").isNotNegative();
        int open = readme.indexOf("```sh\n", section);
        int close = readme.indexOf("```", open + 6);
        List<List<String>> lines = new ArrayList<>();
        for (String line : readme.substring(open + 6, close).split("\n")) {
            if (line.startsWith("bin/chunkstore ")) {
                List<String> words = shellWords(line);
                lines.add(words.subList(1, words.size()));
            }
        }
        return lines;
    }

    /** Words of a sh command line: spaces separate, single quotes keep everything literal. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
                any = true;
            }
        }
        assertThat(quoted).as("unbalanced quote in %s", line).isFalse();
        if (any) {
            words.add(w.toString());
        }
        return words;
    }

    @Test
    void theReadmeFirstStepsReadWhatARunningServeHolds() throws Exception {
        List<List<String>> lines = docLines();
        assertThat(lines).hasSize(4);
        List<String> serveLine = new ArrayList<>(lines.get(0));
        assertThat(serveLine).containsExactly("serve");
        serveLine.addAll(
                List.of(
                        "--data",
                        tmp.resolve("data").toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0"));
        try (ServeCommandTest.Running serve =
                new ServeCommandTest.Running(serveLine.toArray(String[]::new))) {
            String address = "127.0.0.1:" + serve.grpcPort();
            long now = Instant.now().toEpochMilli();
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                samples.add(new Sample(now - 1_200_000 + i * 15_000L, 0.5 * i));
            }
            Chunk up =
                    Chunk.fromSamples("fake", Labels.of("__name__", "up", "job", "node"), samples);
            long t0 = (now - 600_000) * 1_000_000L;
            List<LogEntry> entries =
                    List.of(
                            LogEntry.of(t0, "level=info msg=started"),
                            LogEntry.of(t0 + 1_000_000_000L, "level=error msg=\"disk error\""));
            ChunkstoreConfig schema =
                    ChunkstoreConfig.parse(EmbeddedStore.BUILT_IN_SCHEMA, "schema.yaml");
            try (GrpcStoreClient client = GrpcStoreClient.builder(address).build();
                    CompositeStore store =
                            CompositeStore.builder(schema.schemaConfig())
                                    .clients(
                                            PeriodClientResolver.of(
                                                    new PeriodClients(
                                                            client.indexClient(),
                                                            client.chunkClient())))
                                    .build()) {
                store.put(up); // a Cortex ingester's flush
                store.put(
                        List.of(
                                LokiChunk.encode(
                                        "fake",
                                        Labels.of("job", "varlogs"),
                                        ChunkFormat.V4,
                                        Codec.GZIP,
                                        1000,
                                        entries))); // a Loki ingester's flush
            }

            CliRun labels = run(lines.get(1), address);
            assertThat(labels.exit()).as(labels.toString()).isZero();
            assertThat(labels.out().lines()).containsExactly("__name__", "job");

            CliRun query = run(lines.get(2), address);
            assertThat(query.exit()).as(query.toString()).isZero();
            assertThat(query.out())
                    .contains("{__name__=\"up\", job=\"node\"}")
                    .contains("1 series, 1 chunks");
            for (Sample s : samples) {
                assertThat(query.out()).contains(Double.toString(s.value()));
            }

            CliRun logs = run(lines.get(3), address);
            assertThat(logs.exit()).as(logs.toString()).isZero();
            assertThat(logs.out()).isEqualTo("level=error msg=\"disk error\"\n");
        }
    }

    @Test
    void theCliReadsAMissingSchemaTableOfTheEmbeddedStoreAsEmptyAsServeDoes() throws Exception {
        Path data = tmp.resolve("stopped");
        try (ServeCommandTest.Running serve =
                new ServeCommandTest.Running(
                        "serve",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0")) {
            serve.banner();
        }
        // serve made no table (nothing was written); the cli over the stopped store's directory.
        Path config =
                CliRun.write(
                        tmp,
                        "local.yaml",
                        "schema:\n"
                                + EmbeddedStore.BUILT_IN_SCHEMA
                                        .lines()
                                        .filter(l -> !l.startsWith("#"))
                                        .map(l -> "  " + l)
                                        .reduce("", (a, b) -> a + b + "\n")
                                + "storage:\n  local:\n    directory: "
                                + data.toAbsolutePath()
                                + "\n");
        CliRun query =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{__name__=\"up\"}",
                        "--from",
                        "now-1h");
        assertThat(query.exit()).as(query.toString()).isZero();
        assertThat(query.out()).contains("0 series");
        CliRun labels =
                CliRun.run(
                        "labels",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "--metric",
                        "up",
                        "--from",
                        "now-1h");
        assertThat(labels.exit()).as(labels.toString()).isZero();
        assertThat(labels.out()).isEmpty();
        CliRun logs =
                CliRun.run(
                        "logs",
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "fake",
                        "{job=\"varlogs\"}");
        assertThat(logs.exit()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEmpty();
    }

    private static CliRun run(List<String> docWords, String address) {
        assertThat(docWords).contains(DOC_PORT);
        return CliRun.run(
                docWords.stream()
                        .map(w -> w.equals(DOC_PORT) ? address : w)
                        .toArray(String[]::new));
    }
}
