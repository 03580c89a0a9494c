package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chunkstore.core.chunk.Chunk;
import io.chunkstore.core.chunk.ChunkCodec;
import io.chunkstore.core.chunk.Sample;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.schema.SeriesId;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.core.store.StoreBackends;
import io.chunkstore.spi.TableDesc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code query}, {@code labels} and {@code index scan} against a local store written through core's
 * store: a v9 period, then v11 from 2019-05-16 (week 2576).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCommandTest {
    static final String USER = "tenant";
    static final long D12 = 1557650721000L; // 2019-05-12T08:45:21Z, week 2575, v9, day 18028
    static final long D17 = 1558083600000L; // 2019-05-17T09:00:00Z, week 2576, v11, day 18033

    @TempDir static Path tmp;
    Path config;
    final List<Chunk> written = new ArrayList<>();

    static Chunk chunk(String labels, long from, int n) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(new Sample(from + i * 60_000L, i + 0.5));
        }
        return Chunk.fromSamples(USER, Selectors.parseLabels(labels), s);
    }

    @BeforeAll
    void writeData() {
        config =
                CliRun.write(
                        tmp,
                        "cortex.yaml",
                        """
                schema:
                  configs:
                    - from: 2019-01-03
                      store: local
                      schema: v9
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                    - from: 2019-05-16
                      store: local
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage:
                  local: {directory: %s}
                limits:
                  max_query_length: 0
                """
                                .formatted(tmp.resolve("store")));
        ChunkstoreConfig cfg = ChunkstoreConfig.load(config);
        try (StoreBackends b = StoreBackends.open(cfg, null, null);
                CompositeStore store =
                        CompositeStore.builder(cfg.schemaConfig()).clients(b).build()) {
            for (String t : List.of("index_2575", "index_2576", "chunks_2575", "chunks_2576")) {
                b.tableClient("local").createTable(TableDesc.named(t));
            }
            written.add(chunk("{__name__=\"foo\",bar=\"baz\"}", D12, 30));
            written.add(chunk("{__name__=\"foo\",bar=\"qux\"}", D12 + 60_000, 5));
            written.add(chunk("{__name__=\"other\",bar=\"b1\"}", D12, 5));
            written.add(chunk("{__name__=\"foo\",bar=\"bzz\",zone=\"eu\"}", D17, 10));
            written.forEach(store::put);
        }
    }

    @Test
    void queryFindsTheMatchingSeriesAcrossPeriodsWithTheirChunks() {
        CliRun r =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "{__name__=\"foo\",bar=~\"b.*\"}",
                        "--from",
                        "2019-05-12T00:00:00Z",
                        "--to",
                        "2019-05-18T00:00:00Z",
                        "--samples",
                        "--output",
                        "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("seriesCount").asInt()).isEqualTo(2);
        assertThat(j.get("chunkCount").asInt()).isEqualTo(2);
        JsonNode series = j.get("series");
        assertThat(series.get(0).get("labels").toString())
                .isEqualTo("{\"__name__\":\"foo\",\"bar\":\"baz\"}");
        assertThat(series.get(1).get("labels").toString())
                .isEqualTo("{\"__name__\":\"foo\",\"bar\":\"bzz\",\"zone\":\"eu\"}");
        JsonNode c0 = series.get(0).get("chunks").get(0);
        assertThat(c0.get("key").asText())
                .isEqualTo(ChunkCodec.encode(written.get(0)).externalKey());
        assertThat(c0.get("table").asText()).isEqualTo("chunks_2575");
        assertThat(c0.get("from").asLong()).isEqualTo(D12);
        assertThat(c0.get("through").asLong()).isEqualTo(D12 + 29 * 60_000L);
        assertThat(c0.get("samples")).hasSize(30);
        assertThat(c0.get("samples").get(1).toString()).isEqualTo("[" + (D12 + 60_000) + ",1.5]");
        assertThat(series.get(1).get("chunks").get(0).get("table").asText())
                .isEqualTo("chunks_2576");

        CliRun text =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "foo{bar=\"qux\"}",
                        "--from",
                        "1557619200",
                        "--to",
                        "1557705599999");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("{__name__=\"foo\", bar=\"qux\"}  (1 chunk)")
                .contains(ChunkCodec.encode(written.get(1)).externalKey())
                .contains("table chunks_2575  from 2019-05-12T08:46:21.000Z")
                .endsWith("1 series, 1 chunks\n");

        CliRun none =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        "someone-else",
                        "{__name__=\"foo\"}",
                        "--from",
                        "2019-05-12",
                        "--to",
                        "2019-05-13");
        assertThat(none.out()).isEqualTo("0 series, 0 chunks\n");
    }

    @Test
    void queryErrorsAreUsageErrors() {
        CliRun badSelector =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "{foo",
                        "--from",
                        "2019-05-12",
                        "--to",
                        "2019-05-13");
        assertThat(badSelector.exit()).isEqualTo(ExitCodes.USAGE);
        CliRun badTime =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "{__name__=\"foo\"}",
                        "--from",
                        "yesterday");
        assertThat(badTime.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTime.err()).contains("cannot read time \"yesterday\"");
        CliRun reversed =
                CliRun.run(
                        "query",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "{__name__=\"foo\"}",
                        "--from",
                        "2019-05-13",
                        "--to",
                        "2019-05-12");
        assertThat(reversed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(reversed.err()).contains("is before --from");
        CliRun help = CliRun.run("query", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--samples").contains("--output");
    }

    @Test
    void labelsGivesNamesAndValues() {
        CliRun names =
                CliRun.run(
                        "labels",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "--metric",
                        "foo",
                        "--from",
                        "2019-05-12",
                        "--to",
                        "2019-05-18");
        assertThat(names.exit()).as(names.toString()).isZero();
        assertThat(names.out()).isEqualTo("__name__\nbar\nzone\n");
        CliRun values =
                CliRun.run(
                        "labels",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "--metric",
                        "foo",
                        "--name",
                        "bar",
                        "--from",
                        "2019-05-12",
                        "--to",
                        "2019-05-18",
                        "--output",
                        "json");
        assertThat(values.json().get("values").toString()).isEqualTo("[\"baz\",\"bzz\",\"qux\"]");
        CliRun onlyV11 =
                CliRun.run(
                        "labels",
                        "--config",
                        config.toString(),
                        "--user",
                        USER,
                        "--metric",
                        "foo",
                        "--name",
                        "bar",
                        "--from",
                        "2019-05-17",
                        "--to",
                        "2019-05-18");
        assertThat(onlyV11.out()).isEqualTo("bzz\n");
    }

    @Test
    void indexScanDecodesEachRowKind() {
        String sid = SeriesId.of(Selectors.parseLabels("{__name__=\"foo\",bar=\"baz\"}")).value();
        CliRun metric =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "tenant:d18028:foo",
                        "--output",
                        "json");
        assertThat(metric.exit()).as(metric.toString()).isZero();
        List<JsonNode> rows =
                metric.out()
                        .lines()
                        .map(
                                l -> {
                                    try {
                                        return new com.fasterxml.jackson.databind.ObjectMapper()
                                                .readTree(l);
                                    } catch (java.io.IOException e) {
                                        throw new AssertionError(l, e);
                                    }
                                })
                        .toList();
        assertThat(rows)
                .hasSize(2)
                .allSatisfy(
                        row -> {
                            assertThat(row.get("meaning").get("kind").asText())
                                    .isEqualTo("metric-series");
                            assertThat(row.get("valueText").asText()).isEqualTo("\"-\"");
                        });
        assertThat(rows)
                .extracting(row -> row.get("meaning").get("seriesId").asText())
                .contains(sid);

        CliRun label =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "tenant:d18028:foo:bar",
                        "--value-equal",
                        "qux");
        assertThat(label.out())
                .contains("label-series: series ")
                .contains(" of foo has bar=\"qux\" on day 2019-05-12")
                .contains("1 entries");

        CliRun chunks =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "tenant:d18028:" + sid,
                        "--start",
                        "hex:00");
        assertThat(chunks.exit()).as(chunks.toString()).isZero();
        assertThat(chunks.out())
                .contains(
                        "series-chunk: series "
                                + sid
                                + " has chunk "
                                + ChunkCodec.encode(written.get(0)).externalKey()
                                + " ending 2019-05-12T09:14:21.000Z");

        // v11 (week 2576): sharded label rows and the label-names row.
        Labels bzz = Selectors.parseLabels("{__name__=\"foo\",bar=\"bzz\",zone=\"eu\"}");
        SeriesId bzzId = SeriesId.of(bzz);
        String shard = String.format("%02d", bzzId.rowShard(16));
        CliRun sharded =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2576",
                        "--hash",
                        shard + ":tenant:d18033:foo:zone");
        assertThat(sharded.out())
                .contains("schema v11")
                .contains("has zone=\"eu\"")
                .contains("(row shard " + shard);
        CliRun names =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2576",
                        "--hash",
                        bzzId.value(),
                        "--output",
                        "json");
        JsonNode n = names.json().get("meaning");
        assertThat(n.get("kind").asText()).isEqualTo("series-label-names");
        assertThat(n.get("labelNames").toString()).isEqualTo("[\"bar\",\"zone\"]");

        CliRun limited =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "tenant:d18028:foo",
                        "--limit",
                        "1");
        assertThat(limited.out()).contains("1 entries (--limit reached)");
        CliRun prefixed =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "tenant:d18028:foo",
                        "--prefix",
                        sid);
        assertThat(prefixed.out()).contains("1 entries").contains(sid);

        CliRun notInSchema =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_1",
                        "--hash",
                        "x");
        assertThat(notInSchema.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notInSchema.err()).contains("index_2557..");
        CliRun missing =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2600",
                        "--hash",
                        "x");
        assertThat(missing.exit()).isEqualTo(ExitCodes.STORAGE);
        assertThat(missing.err()).contains("index_2600");
        CliRun both =
                CliRun.run(
                        "index",
                        "scan",
                        "--config",
                        config.toString(),
                        "--table",
                        "index_2575",
                        "--hash",
                        "x",
                        "--prefix",
                        "a",
                        "--start",
                        "b");
        assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    }
}
